package io.bpfkeeper.packaging.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.SocketGroup;
import io.bpfkeeper.daemon.testing.TestUser;
import io.bpfkeeper.packaging.support.FakeSystemd;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.client.VarlinkClient;
import io.bpfkeeper.protocol.idl.Idl;
import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hostile-client soak of issue 17: root and several real users call the daemon at once with
 * calls generated from its published IDL, valid and hostile, for a bounded time, while the daemon
 * runs under {@link FakeSystemd} and is SIGKILLed at random moments and started again. Then the
 * kernel and /proc judge:
 * <ul>
 *   <li>no death of the daemon but the induced ones;
 *   <li>no acknowledged object lost: every daemon-lifetime object whose creation a client saw
 *       answered exists after the last restart, with its id and its owner;
 *   <li>no fd leaked: after a last hostile burst, once its objects are released and its clients
 *       gone, the daemon has the fds it had before the burst, and none of the fds clients passed;
 *   <li>no object of another uid touched: victims' values read through bpftool are as their owners
 *       wrote them, and every value in a map carries its owner's tag.
 * </ul>
 *
 * <p>{@code -Dbpfkeeper.soak.seconds=N} sets how long the clients and the kills go on (45 s by
 * default, for CI); {@code -Dbpfkeeper.soak.seed=N} repeats a run's random choices (the clients'
 * interleaving, and so their outcome, still varies). The figures go to the test's output and to
 * {@code packaging/target/soak-report.txt}.
 */
@KernelTest
@Tag("soak")
class HostileSoakTest {

    private static final Duration DURATION = Duration.ofSeconds(Long.getLong("bpfkeeper.soak.seconds", 45));
    private static final Duration BURST = Duration.ofSeconds(Math.max(10, DURATION.toSeconds() / 6));
    private static final long SEED = Long.getLong("bpfkeeper.soak.seed", System.nanoTime());
    private static final int ATTACKERS = 3;
    private static final int CLIENTS_PER_ATTACKER = 2;
    private static final Duration JOIN_DEADLINE = Duration.ofSeconds(120);
    private static final String ROOT_VICTIM_VALUE = "5a5a5a5a5a5a5a5a";
    private static final int VICTIM_ENTRIES = 4;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private final Ledger ledger = new Ledger();
    private final List<SoakClient.Victim> victims = new CopyOnWriteArrayList<>();
    /** Each victim's values as its owner wrote them, by key. */
    private final Map<Long, Map<String, String>> victimValues = new LinkedHashMap<>();
    private final SplittableRandom random = new SplittableRandom(SEED);
    private final List<String> deaths = new ArrayList<>();
    private int kills;

    @Test
    void hostileClientsAndSigkillsLoseNothingLeakNoFdAndTouchNoOtherUidsObject() throws Exception {
        System.out.printf("soak: seed %d, %d s with kills, then a %d s burst%n", SEED, DURATION.toSeconds(),
                BURST.toSeconds());
        List<TestUser> attackers = new ArrayList<>();
        Instant started = Instant.now();
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path());
                SocketGroup group = SocketGroup.create(systemd.socket())) {
            for (int i = 0; i < ATTACKERS; i++) {
                TestUser attacker = TestUser.create();
                attackers.add(attacker);
                group.admit(attacker);
            }
            systemd.start();
            CallGenerator generator = new CallGenerator(publishedIdl(systemd), BpfTestObjects.bytes("xdp_count"));
            Path passedFile = Files.createTempFile("bpfkeeper-soak-passed-", ".fd");
            try {
                makeVictims(systemd, attackers);

                List<SoakClient> clients = startClients(systemd, generator, attackers, passedFile);
                killAtRandomMomentsUntil(systemd, Instant.now().plus(DURATION));
                stopAfterALastKill(systemd, clients);

                assertNoAcknowledgedObjectLost(systemd);
                assertNoObjectOfAnotherUidTouched();

                Map<Integer, String> baseline = warmUpAndReadFds(systemd);
                Set<String> heldBefore = held(systemd);
                List<SoakClient> burst = startClients(systemd, generator, attackers, passedFile);
                watchForDeathsUntil(systemd, Instant.now().plus(BURST));
                stop(systemd, burst);
                assertNoObjectOfAnotherUidTouched();
                releaseAllBut(systemd, heldBefore);
                assertFdsBackTo(systemd, baseline, heldBefore, passedFile);

                assertThat(systemd.isRunning()).as("the daemon lives at the end").isTrue();
                assertThat(deaths).as("deaths of the daemon that no kill induced").isEmpty();
                assertThat(ledger.findings()).as("findings").isEmpty();
            } finally {
                report(Duration.between(started, Instant.now()));
                Files.deleteIfExists(passedFile);
            }
        } finally {
            attackers.forEach(TestUser::close);
        }
    }

    /** A client of root's for the checks, which gives up on a reply as the soak's clients do. */
    private static BpfkeeperClient rootClient(FakeSystemd systemd) {
        VarlinkClient client = VarlinkClient.connect(systemd.socket());
        client.setReadTimeout(SoakClient.REPLY_DEADLINE);
        return new BpfkeeperClient(client);
    }

    /** The interface as the running daemon publishes it, parsed with the protocol's own IDL parser. */
    private static InterfaceDefinition publishedIdl(FakeSystemd systemd) {
        try (VarlinkClient client = VarlinkClient.connect(systemd.socket())) {
            return Idl.parse(client.call(VarlinkService.GET_INTERFACE_DESCRIPTION,
                    Map.of("interface", BpfkeeperInterface.NAME)).get("description").asText());
        }
    }

    /**
     * Maps that nobody may change: two of root's, holding a fixed value, and one of each attacker,
     * holding values with its tag; each pinned where its owner's pins go.
     */
    private void makeVictims(FakeSystemd systemd, List<TestUser> attackers) throws Exception {
        try (BpfkeeperClient root = rootClient(systemd)) {
            for (int i = 0; i < 2; i++) {
                victims.add(makeVictim(root, 0, "root-victims/v" + i, key -> ROOT_VICTIM_VALUE));
            }
        }
        for (TestUser attacker : attackers) {
            try (BpfkeeperClient client = attacker.client(systemd.socket())) {
                victims.add(makeVictim(client, attacker.uid(), "users/" + attacker.uid() + "/victim",
                        key -> CallGenerator.taggedValue(attacker.uid(), random)));
            }
        }
    }

    private SoakClient.Victim makeVictim(BpfkeeperClient owner, int uid, String pin,
            java.util.function.IntFunction<String> valueOf) {
        BpfObject map = owner.createMap(CreateMapRequest.of("victim", "array", CallGenerator.KEY_SIZE,
                CallGenerator.VALUE_SIZE, VICTIM_ENTRIES).withPin(pin));
        Map<String, String> values = new LinkedHashMap<>();
        for (int key = 0; key < VICTIM_ENTRIES; key++) {
            String hexKey = String.format("%02x000000", key);
            values.put(hexKey, valueOf.apply(key));
            owner.mapUpdate(map.id(), hexKey, values.get(hexKey), null);
        }
        victimValues.put(map.id(), values);
        return new SoakClient.Victim(uid, map.id(), pin);
    }

    private List<SoakClient> startClients(FakeSystemd systemd, CallGenerator generator, List<TestUser> attackers,
            Path passedFile) {
        // Classes the clients use, loaded as root: the users cannot read Maven's repository.
        VarlinkClient.connectPassingFds(systemd.socket()).close();
        List<Integer> uids = new ArrayList<>(List.of(0));
        attackers.forEach(attacker -> uids.add(attacker.uid()));
        List<SoakClient> clients = new ArrayList<>();
        clients.add(new SoakClient("root", null, systemd.socket(), generator, ledger, random.nextLong(),
                () -> victims, uids, passedFile));
        for (TestUser attacker : attackers) {
            for (int i = 0; i < CLIENTS_PER_ATTACKER; i++) {
                clients.add(new SoakClient(attacker.name() + "#" + i, attacker, systemd.socket(), generator, ledger,
                        random.nextLong(), () -> victims, uids, passedFile));
            }
        }
        clients.forEach(client -> client.start("soak " + client.name()));
        return clients;
    }

    /** SIGKILLs the daemon at random moments and starts it again, as systemd's Restart= would. */
    private void killAtRandomMomentsUntil(FakeSystemd systemd, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            Instant moment = Instant.now().plusMillis(random.nextLong(3_000, 12_000));
            watchForDeathsUntil(systemd, moment.isBefore(deadline) ? moment : deadline);
            if (Instant.now().isBefore(deadline)) {
                kill(systemd);
                start(systemd);
            }
        }
    }

    private void kill(FakeSystemd systemd) {
        systemd.kill();
        kills++;
        ledger.count("kills");
    }

    private void start(FakeSystemd systemd) {
        long started = System.nanoTime();
        try {
            systemd.start();
        } catch (AssertionError died) {
            deaths.add("at start after a kill: " + died.getMessage());
            systemd.start();
        }
        ledger.count("ms from start to READY=1, in all", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Until {@code deadline}, checks every 20 ms that the daemon lives, and restarts it if not, as a
     * finding; and reads its notifications, as systemd would, so that sd_notify never blocks it.
     */
    private void watchForDeathsUntil(FakeSystemd systemd, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            if (!systemd.isRunning()) {
                deaths.add("exit status " + systemd.exitStatus() + "; log:\n" + tail(systemd.log()));
                start(systemd);
            }
            systemd.readNotifications();
            sleep(Duration.ofMillis(20));
        }
    }

    /**
     * Stops the clients, then kills the daemon once more, so that the survival check follows a
     * crash, and starts it, so that clients blocked in a write to the unserved socket finish.
     */
    private void stopAfterALastKill(FakeSystemd systemd, List<SoakClient> clients) {
        clients.forEach(SoakClient::stop);
        kill(systemd);
        start(systemd);
        join(systemd, clients);
    }

    private void stop(FakeSystemd systemd, List<SoakClient> clients) {
        clients.forEach(SoakClient::stop);
        join(systemd, clients);
    }

    /** Waits for the clients to end, reading the daemon's notifications meanwhile. */
    private void join(FakeSystemd systemd, List<SoakClient> clients) {
        Instant deadline = Instant.now().plus(JOIN_DEADLINE);
        while (clients.stream().anyMatch(SoakClient::isRunning) && Instant.now().isBefore(deadline)) {
            watchForDeathsUntil(systemd, Instant.now().plusMillis(100));
        }
        clients.stream().filter(SoakClient::isRunning).forEach(client -> ledger.finding(client.name()
                + " still waits for the daemon " + JOIN_DEADLINE + " after it was stopped"));
    }

    /** Every acknowledged daemon-lifetime object is in the kernel and the daemon's list, owned as it was. */
    private void assertNoAcknowledgedObjectLost(FakeSystemd systemd) {
        Map<String, BpfObject> listed = new LinkedHashMap<>();
        try (BpfkeeperClient root = rootClient(systemd)) {
            root.list(null, null).forEach(object -> listed.put(key(object.kind().name(), object.id()), object));
        }
        List<String> lost = new ArrayList<>();
        long owed = 0;
        for (Ledger.Acknowledged object : ledger.acknowledged()) {
            if (!object.mustSurvive()) {
                continue;
            }
            owed++;
            BpfObject record = listed.get(key(object.kind(), object.id()));
            ObjectKind kind = kernelKind(object.kind());
            if (kind != null && !KernelIds.exists(kind, (int) object.id())) {
                lost.add(object + ": not in the kernel");
            } else if (record == null) {
                lost.add(object + ": not in the daemon's list");
            } else if (record.owner().uid() != object.ownerUid() || record.lost() != null
                    || record.unrecorded() != null) {
                lost.add(object + ": listed as " + record);
            }
        }
        ledger.count("acknowledged objects owed after the last kill", owed);
        ledger.count("acknowledged objects lost", lost.size());
        assertThat(lost).as("acknowledged objects lost across %d kills", kills).isEmpty();
    }

    private static ObjectKind kernelKind(String kind) {
        return switch (kind) {
            case "map" -> ObjectKind.MAP;
            case "program" -> ObjectKind.PROGRAM;
            case "link" -> ObjectKind.LINK;
            default -> null; // an attachment has no kernel id
        };
    }

    /**
     * The victims are as their owners left them, pins included, and every value in a map that
     * CreateMap made carries the tag of the map's owner: no write of one uid landed in another's
     * map. Read through bpftool, not the daemon.
     */
    private void assertNoObjectOfAnotherUidTouched() {
        List<String> touched = new ArrayList<>();
        for (SoakClient.Victim victim : victims) {
            if (!KernelIds.exists(ObjectKind.MAP, (int) victim.id())) {
                touched.add("victim map " + victim.id() + " of uid " + victim.ownerUid() + " is gone");
                continue;
            }
            Path pin = bpffs.path().resolve(victim.pin());
            if (!Files.exists(pin) || Bpftool.json("map", "show", "pinned", pin.toString()).get("id").asLong()
                    != victim.id()) {
                touched.add("the pin " + pin + " of victim map " + victim.id() + " no longer holds it");
            }
            victimValues.get(victim.id()).forEach((key, value) -> {
                String now = HexFormat.of().formatHex(Bpftool.mapLookup((int) victim.id(), HexFormat.of()
                        .parseHex(key)));
                if (!now.equals(value)) {
                    touched.add("victim map " + victim.id() + " of uid " + victim.ownerUid() + " key " + key
                            + " holds " + now + ", not " + value);
                }
            });
        }
        long checked = 0;
        for (Ledger.Acknowledged map : ledger.acknowledged()) {
            if (!map.kind().equals("map") || !map.method().equals("CreateMap")
                    || !KernelIds.exists(ObjectKind.MAP, (int) map.id())) {
                continue;
            }
            JsonNode entries;
            try {
                entries = Bpftool.json("map", "dump", "id", Long.toString(map.id()));
            } catch (RuntimeException freedMeanwhile) {
                continue; // released by a session's end since the check above
            }
            for (JsonNode entry : entries) {
                checked++;
                byte[] value = bytes(entry.get("value"));
                if (!isZero(value) && tagOf(value) != map.ownerUid()) {
                    touched.add("map " + map.id() + " of uid " + map.ownerUid() + " holds a value written by uid "
                            + tagOf(value) + ": " + HexFormat.of().formatHex(value));
                }
            }
        }
        ledger.count("map values checked for their owner's tag", checked);
        ledger.count("objects of another uid touched", touched.size());
        assertThat(touched).as("objects of another uid touched").isEmpty();
    }

    private static byte[] bytes(JsonNode hexWords) {
        byte[] bytes = new byte[hexWords.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hexWords.get(i).asText().substring(2), 16);
        }
        return bytes;
    }

    private static boolean isZero(byte[] value) {
        for (byte b : value) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static int tagOf(byte[] value) {
        return (value[0] & 0xff) | (value[1] & 0xff) << 8 | (value[2] & 0xff) << 16 | (value[3] & 0xff) << 24;
    }

    /**
     * Runs once through what opens an fd for good on first use (the journal's files, libbpf, the
     * Explain iterator), then reads the daemon's fds: the baseline the burst must return to.
     */
    private Map<Integer, String> warmUpAndReadFds(FakeSystemd systemd) {
        try (BpfkeeperClient root = rootClient(systemd)) {
            BpfObject map = root.createMap(CreateMapRequest.of("warmup", "hash", 4, 8, 4));
            root.explain(Kind.MAP, map.id());
            long program = root.loadProgram(LoadProgramRequest.of("warmup", "xdp", CallGenerator.PASS_PROGRAM,
                    "GPL")).object().id();
            root.testRun(program, "00".repeat(64), 1L);
            root.loadObject(LoadObjectRequest.of("warmup", BpfTestObjects.bytes("xdp_count"))).objects()
                    .forEach(object -> root.release(object.kind(), object.id()));
            root.release(Kind.PROGRAM, program);
            root.release(Kind.MAP, map.id());
        }
        return systemd.openFds();
    }

    private static Set<String> held(FakeSystemd systemd) {
        try (BpfkeeperClient root = rootClient(systemd)) {
            return root.list(null, null).stream().map(object -> key(object.kind().name(), object.id()))
                    .collect(Collectors.toSet());
        }
    }

    /** Releases, as root, every object the burst left, acknowledged or not (oneway and dropped calls). */
    private void releaseAllBut(FakeSystemd systemd, Set<String> kept) {
        try (BpfkeeperClient root = rootClient(systemd)) {
            for (BpfObject object : root.list(null, null)) {
                if (!kept.contains(key(object.kind().name(), object.id()))) {
                    root.release(object.kind(), object.id());
                    ledger.count("released after the burst");
                    systemd.readNotifications();
                }
            }
        }
    }

    /**
     * The daemon's fds are those of the baseline again, fd for fd by what they refer to, and none
     * of them is a file that clients passed. Frees and closes after a release or a disconnect are
     * asynchronous, so this waits for them.
     */
    private void assertFdsBackTo(FakeSystemd systemd, Map<Integer, String> baseline, Set<String> heldBefore,
            Path passedFile) {
        Map<String, Long> expected = histogram(baseline);
        // Their owners may release objects held before the burst during it: one fd fewer each.
        Set<String> heldAfter = held(systemd);
        for (String object : heldBefore) {
            if (!heldAfter.contains(object)) {
                ledger.count("objects released by their owners during the burst");
                ObjectKind kind = kernelKind(object.substring(0, object.indexOf(' ')));
                if (kind != null) {
                    kind.fdLinkTargets().stream().filter(target -> expected.getOrDefault(target, 0L) > 0).findFirst()
                            .ifPresent(target -> expected.merge(target, -1L, Long::sum));
                }
            }
        }
        expected.values().removeIf(count -> count == 0);
        try {
            Eventually.until(Duration.ofSeconds(30), () -> histogram(systemd.openFds()).equals(expected),
                    "the daemon's fds back to the baseline");
        } catch (AssertionError notBack) {
            throw new AssertionError("the daemon's fds are not back to the baseline: " + baseline.size()
                    + " before the burst " + expected + ", " + systemd.openFds().size() + " after it "
                    + histogram(systemd.openFds()), notBack);
        }
        ledger.count("daemon fds at the baseline", baseline.size());
        ledger.count("daemon fds after the burst", systemd.openFds().size());
        assertThat(systemd.openFds().values()).as("fds the clients passed, left open in the daemon")
                .doesNotContain(passedFile.toString());
    }

    /** How many fds refer to each kind of thing: a socket, a BPF map, a file by its path. */
    private static Map<String, Long> histogram(Map<Integer, String> fds) {
        return fds.values().stream().map(target -> target.replaceAll("\\[\\d+]$", "[]"))
                .collect(Collectors.groupingBy(target -> target, java.util.TreeMap::new, Collectors.counting()));
    }

    private static String key(String kind, long id) {
        return kind.toLowerCase(java.util.Locale.ROOT) + " " + id;
    }

    private void report(Duration took) {
        StringBuilder report = new StringBuilder();
        report.append(String.format("soak: seed %d, %d s with kills and a %d s burst, %d s in all%n", SEED,
                DURATION.toSeconds(), BURST.toSeconds(), took.toSeconds()));
        report.append(String.format("kills: %d; deaths not induced: %d%n", kills, deaths.size()));
        ledger.counters().forEach((name, value) -> report.append(String.format("%s: %d%n", name, value)));
        deaths.forEach(death -> report.append("death: ").append(death).append('\n'));
        ledger.findings().forEach(finding -> report.append("finding: ").append(finding).append('\n'));
        System.out.print(report);
        String directory = System.getProperty("bpfkeeper.packageDirectory");
        if (directory != null) {
            try {
                Files.writeString(Path.of(directory, "soak-report.txt"), report);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
