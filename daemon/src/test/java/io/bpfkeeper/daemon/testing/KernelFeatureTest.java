package io.bpfkeeper.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** scripts/run-tests lets exactly the skips of KernelFeature pass under CI, and no other. */
class KernelFeatureTest {

    @Test
    void allowedSkipsListsTheReasonsOfEveryFeatureAndNothingElse() throws IOException {
        // Surefire runs each module's tests in the module's directory.
        var allowed = Files.readAllLines(Path.of("../scripts/allowed-skips")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();

        assertThat(allowed).containsExactlyInAnyOrderElementsOf(Arrays.stream(KernelFeature.values())
                .flatMap(feature -> Stream.of(feature.lacking(), feature.present())).toList());
    }
}
