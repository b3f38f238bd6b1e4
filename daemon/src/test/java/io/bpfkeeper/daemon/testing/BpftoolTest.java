package io.bpfkeeper.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.Processes.CommandFailedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@KernelTest
class BpftoolTest {
    private static final byte[] KEY = {0, 0, 0, 0};
    private static final byte[] VALUE = {1, 2, 3, 4, 5, 6, 7, (byte) 0xff};

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void showsAMapAndLooksUpItsValues() {
        Path pin = bpffs.path().resolve("map");
        int id = Bpftool.createPinnedArrayMap(pin, "lookup_test");
        List<String> update = new ArrayList<>(List.of("map", "update", "pinned", pin.toString(), "key", "hex"));
        update.addAll(Bpftool.hexBytes(KEY));
        update.addAll(List.of("value", "hex"));
        update.addAll(Bpftool.hexBytes(VALUE));
        Bpftool.json(update.toArray(String[]::new));

        JsonNode map = Bpftool.mapShow(id);

        assertThat(map.get("type").asText()).isEqualTo("array");
        assertThat(map.get("bytes_value").asInt()).isEqualTo(8);
        assertThat(Bpftool.mapLookup(id, KEY)).containsExactly(VALUE);
    }

    @Test
    void failsWithBpftoolsError() {
        assertThatThrownBy(() -> Bpftool.mapShow(Integer.MAX_VALUE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("get map by id (" + Integer.MAX_VALUE + ")");
    }
}
