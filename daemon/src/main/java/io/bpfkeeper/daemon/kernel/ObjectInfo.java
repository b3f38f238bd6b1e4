package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** BPF_OBJ_GET_INFO_BY_FD for maps, programs and links. */
public final class ObjectInfo {

    private ObjectInfo() {
    }

    public static MapInfo map(Fd fd) {
        Pointer info = read(fd, MapInfoLayout.SIZE);
        return new MapInfo(
                MapInfoLayout.ID.getInt(info),
                new MapType(MapInfoLayout.TYPE.getInt(info)),
                MapInfoLayout.NAME.getString(info),
                MapInfoLayout.KEY_SIZE.getInt(info),
                MapInfoLayout.VALUE_SIZE.getInt(info),
                MapInfoLayout.MAX_ENTRIES.getInt(info),
                MapInfoLayout.MAP_FLAGS.getInt(info),
                MapInfoLayout.BTF_ID.getInt(info));
    }

    public static ProgramInfo program(Fd fd) {
        Pointer info = read(fd, ProgInfoLayout.SIZE);
        int mapCount = ProgInfoLayout.NR_MAP_IDS.getInt(info);
        int[] mapIds = mapCount == 0 ? new int[0] : mapIds(fd, mapCount);
        byte[] tag = new byte[ProgInfoLayout.TAG.size()];
        info.get(ProgInfoLayout.TAG.offset(), tag, 0, tag.length);
        return new ProgramInfo(
                ProgInfoLayout.ID.getInt(info),
                new ProgramType(ProgInfoLayout.TYPE.getInt(info)),
                ProgInfoLayout.NAME.getString(info),
                java.util.HexFormat.of().formatHex(tag),
                mapIds,
                ProgInfoLayout.CREATED_BY_UID.getInt(info),
                ProgInfoLayout.BTF_ID.getInt(info),
                ProgInfoLayout.RUN_TIME_NS.get(info),
                ProgInfoLayout.RUN_CNT.get(info),
                ProgInfoLayout.RECURSION_MISSES.get(info),
                ProgInfoLayout.VERIFIED_INSNS.getInt(info),
                ProgInfoLayout.ATTACH_BTF_OBJ_ID.getInt(info),
                ProgInfoLayout.ATTACH_BTF_ID.getInt(info));
    }

    public static LinkInfo link(Fd fd) {
        Pointer info = read(fd, LinkInfoLayout.SIZE);
        LinkType type = new LinkType(LinkInfoLayout.TYPE.getInt(info));
        int id = LinkInfoLayout.ID.getInt(info);
        int programId = LinkInfoLayout.PROG_ID.getInt(info);
        if (type.equals(LinkType.CGROUP)) {
            return new LinkInfo(id, type, programId, LinkInfoLayout.CGROUP_ID.get(info),
                    new AttachType(LinkInfoLayout.CGROUP_ATTACH_TYPE.getInt(info)));
        }
        if (type.equals(LinkType.XDP)) {
            return new LinkInfo(id, type, programId, LinkInfoLayout.XDP_IFINDEX.get(info), null);
        }
        if (type.equals(LinkType.TCX) || type.equals(LinkType.NETKIT)) {
            return new LinkInfo(id, type, programId, LinkInfoLayout.TCX_IFINDEX.get(info),
                    new AttachType(LinkInfoLayout.TCX_ATTACH_TYPE.getInt(info)));
        }
        if (type.equals(LinkType.NETNS)) {
            return new LinkInfo(id, type, programId, LinkInfoLayout.NETNS_INO.get(info),
                    new AttachType(LinkInfoLayout.NETNS_ATTACH_TYPE.getInt(info)));
        }
        return new LinkInfo(id, type, programId, 0, null);
    }

    /** Programs report their map ids only into a buffer we pass on a second call. */
    private static int[] mapIds(Fd fd, int count) {
        Pointer ids = Memory.allocateDirect(LibC.RUNTIME, 4 * count, true);
        Pointer info = Memory.allocateDirect(LibC.RUNTIME, ProgInfoLayout.SIZE, true);
        ProgInfoLayout.NR_MAP_IDS.put(info, count);
        ProgInfoLayout.MAP_IDS.put(info, ids.address());
        call(fd, info, ProgInfoLayout.SIZE);
        // The program cannot gain maps after load, so the count cannot have grown.
        int[] result = new int[Math.min(count, ProgInfoLayout.NR_MAP_IDS.getInt(info))];
        ids.get(0, result, 0, result.length);
        return result;
    }

    private static Pointer read(Fd fd, int size) {
        Pointer info = Memory.allocateDirect(LibC.RUNTIME, size, true);
        call(fd, info, size);
        return info;
    }

    private static void call(Fd fd, Pointer info, int size) {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.Info.INFO_LEN.put(attr, size);
        BpfAttr.Info.INFO.put(attr, info.address());
        Bpf.call(BpfCommand.OBJ_GET_INFO_BY_FD, attr, BpfAttr.Info.BPF_FD, fd);
    }
}
