package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every command shares: the socket, --json, --version, and what failures print and exit with. */
class MainTest extends CliTest {
    private static final String GET = BpfkeeperInterface.GET;

    @Test
    void printsItsVersion() {
        Result result = bpfkeeper("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).matches("bpfkeeper \\d+\\.\\d+\\.\\d+.*\n");
    }

    @Test
    void findsTheDaemonThroughTheEnvironment() throws Exception {
        daemon.answer(GET, "{\"object\":" + MAP_OBJECT + "}");

        assertThat(bpfkeeper("get", "map", "42").exitCode()).isZero();
        assertThat(daemon.nextCall(GET).toString()).isEqualTo("{\"kind\":\"map\",\"id\":42}");
    }

    @Test
    void takesTheSocketOptionOverTheEnvironmentAndAfterTheCommandToo() {
        daemon.answer(GET, "{\"object\":" + MAP_OBJECT + "}");
        Map<String, String> elsewhere = Map.of(Main.SOCKET_VARIABLE, directory.resolve("elsewhere").toString());

        assertThat(run(elsewhere, "--socket", daemon.socket().toString(), "get", "map", "42").exitCode()).isZero();
        assertThat(run(elsewhere, "get", "map", "42", "--socket", daemon.socket().toString()).exitCode()).isZero();
    }

    @Test
    void usesTheStandardSocketWithoutEnvironment() {
        Result result = run(Map.of(), "get", "map", "42");

        assertThat(result.err()).contains("socket: " + Main.DEFAULT_SOCKET);
    }

    @Test
    void exitsWithThreeAndAHintWhenNoDaemonListens() {
        Map<String, String> nowhere = Map.of(Main.SOCKET_VARIABLE, directory.resolve("nowhere.sock").toString());

        Result result = run(nowhere, "get", "map", "42");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.err()).isEqualTo("bpfkeeper: cannot connect to the daemon: No such file or directory;"
                + " is bpfkeeperd running? socket: " + directory.resolve("nowhere.sock") + "\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void exitsWithThreeWhenTheDaemonHangsUpDuringACall() {
        daemon.hangUp(GET);

        Result result = bpfkeeper("get", "map", "42");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.err()).isEqualTo("bpfkeeper: no answer from the daemon: the server closed the connection\n");
    }

    @Test
    void printsTheMessageOfAnErrorReplyOnOneLineAndExitsWithOne() {
        daemon.fail(GET, BpfkeeperInterface.NO_SUCH_OBJECT,
                "{\"kind\":\"map\",\"id\":42,\"message\":\"bpfkeeper owns no map 42\"}");

        Result result = bpfkeeper("get", "map", "42");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).isEqualTo("bpfkeeper: bpfkeeper owns no map 42\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void printsTheErrorReplyAsJsonWithJson() {
        daemon.fail(GET, BpfkeeperInterface.NO_SUCH_OBJECT,
                "{\"kind\":\"map\",\"id\":42,\"message\":\"bpfkeeper owns no map 42\"}");

        Result result = bpfkeeper("--json", "get", "map", "42");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).isEqualTo("{\"error\":\"io.bpfkeeper.NoSuchObject\",\"parameters\":"
                + "{\"kind\":\"map\",\"id\":42,\"message\":\"bpfkeeper owns no map 42\"}}\n");
    }

    @Test
    void putsAStandardVarlinkErrorIntoWords() {
        daemon.fail(GET, VarlinkService.INVALID_PARAMETER, "{\"parameter\":\"id\"}");

        assertThat(bpfkeeper("get", "map", "42").err()).isEqualTo("bpfkeeper: invalid parameter \"id\"\n");
    }

    @Test
    void exitsWithTwoOnAUsageErrorWithoutCallingTheDaemon() {
        Result result = bpfkeeper("get", "map", "forty-two");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("bpfkeeper: Invalid value for positional parameter at index 1 (ID):"
                + " 'forty-two' is not a number, in decimal or in hex with 0x\n"
                + "Try 'bpfkeeper get --help' for more information.\n");
        assertThat(daemon.receivedNoCall()).isTrue();
    }

    @Test
    void showsWhatACommandGroupCanDoWhenGivenNoCommand() {
        Result result = bpfkeeper("map");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("bpfkeeper: Missing required subcommand\nUsage: bpfkeeper map")
                .contains("lookup", "update-batch");
    }

    @Test
    void suggestsTheCommandThatWasMeant() {
        Result result = bpfkeeper("map", "lokup", "42", "01000000");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Did you mean: map lookup");
    }
}
