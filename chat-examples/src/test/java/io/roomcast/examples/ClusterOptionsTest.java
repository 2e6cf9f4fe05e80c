package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code roomcast server}'s cluster options: what they make of a node, and every mistake refused
 * with a clear message and exit status 2, before any password is asked for or socket opened.
 */
@Timeout(60)
class ClusterOptionsTest {
    private static final String SECRET = "a cluster secret of some length";
    private static final Map<String, String> BOTH = Map.of("ROOMCAST_PASSWORD", "pw",
            ClusterOptions.SECRET_VARIABLE, SECRET);
    private final List<AppRun> runs = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopAll() {
        runs.forEach(AppRun::close);
    }

    private static ClusterOptions.Node parse(Map<String, String> environment, String... args) {
        ProcessIo io = new ProcessIo(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), environment, false);
        ServerCommand command = new ServerCommand(io);
        new CommandLine(command).parseArgs(args);
        return command.clusterOptions.node(io);
    }

    /** Runs {@code roomcast server ARGS}, expects exit status 2 and returns what it said on standard error. */
    private String refused(Map<String, String> environment, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("server", "--host", "127.0.0.1", "--port", "0"));
        all.addAll(List.of(args));
        AppRun run = new AppRun(environment, all.toArray(String[]::new));
        runs.add(run);
        assertThat(run.awaitExit()).as("exit status; errors: %s", run.rawErrors()).isEqualTo(2);
        assertThat(run.rawOutput()).doesNotContain("Server running");
        return run.rawErrors();
    }

    @Test
    void withoutClusterOptionsTheServerServesAlone() {
        assertThat(parse(BOTH)).isNull();
        assertThat(parse(Map.of(), "--room", "lobby")).isNull();
    }

    @Test
    void aNodeHasItsAddressPeersWithOrWithoutAddressesTheSecretAndItsSettings() {
        ClusterOptions.Node node = parse(BOTH, "--node", "a", "--cluster", "127.0.0.1:7801",
                "--peer", "b=127.0.0.1:7802", "--peer", "c", "--cluster-data", "data-a", "--failure-detection", "2s");

        assertThat(node.id()).isEqualTo("a");
        assertThat(node.bind()).isEqualTo(new InetSocketAddress("127.0.0.1", 7801));
        assertThat(node.peers()).containsEntry("b", new InetSocketAddress("127.0.0.1", 7802)).containsKey("c");
        assertThat(node.peers().get("c")).as("found by discovery").isNull();
        assertThat(node.peers().keySet()).containsExactly("b", "c");
        assertThat(node.peerList()).isEqualTo("b at 127.0.0.1:7802, c (found by discovery)");
        assertThat(node.majority()).isEqualTo(2);
        assertThat(new String(node.secret(), StandardCharsets.UTF_8)).isEqualTo(SECRET);
        assertThat(node.dataDirectory()).isEqualTo(Path.of("data-a"));
        assertThat(node.failureDetection()).isEqualTo(Duration.ofSeconds(2));
        assertThat(node.loopback()).isTrue();
        assertThat(ClusterOptions.warning(node)).isNull();
        assertThat(node.backend().nodeId()).isEqualTo("a");

        ClusterOptions.Node defaults = parse(BOTH, "--node", "a", "--cluster", "127.0.0.1:0", "--peer", "b");
        assertThat(defaults.failureDetection()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.dataDirectory()).isNull();
        assertThat(defaults.bind().getPort()).as("port 0: any free port").isZero();
    }

    @Test
    void theSecretFileComesBeforeTheEnvironmentWithTheOneLineRule() throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, " spaces count, the line ending not \n");
        ClusterOptions.Node node = parse(BOTH, "--node", "a", "--cluster", "127.0.0.1:7801", "--peer", "b",
                "--cluster-secret-file", file.toString());
        assertThat(new String(node.secret(), StandardCharsets.UTF_8)).isEqualTo(" spaces count, the line ending not ");

        ClusterOptions.Node fromEnvironment = parse(Map.of(ClusterOptions.SECRET_VARIABLE, SECRET + "\r\n"),
                "--node", "a", "--cluster", "127.0.0.1:7801", "--peer", "b");
        assertThat(new String(fromEnvironment.secret(), StandardCharsets.UTF_8)).isEqualTo(SECRET);
    }

    @Test
    void aClusterAddressOffThisMachineIsWarnedAbout() {
        ClusterOptions.Node node = parse(BOTH, "--node", "a", "--cluster", "192.0.2.10:7801", "--peer", "b");
        assertThat(node.loopback()).isFalse();
        assertThat(ClusterOptions.warning(node)).startsWith("WARNING: cluster traffic on 192.0.2.10:7801")
                .contains("trusted network", "not protected against tampering");
    }

    @Test
    void clusterOptionsWithoutNodeAreRefused() throws Exception {
        assertThat(refused(BOTH, "--peer", "b=127.0.0.1:7802"))
                .isEqualTo("roomcast: --peer needs --node ID: the id of this server's node in the cluster\n");
        assertThat(refused(BOTH, "--cluster", "127.0.0.1:7801")).startsWith("roomcast: --cluster needs --node ID");
        assertThat(refused(BOTH, "--cluster-secret-file", "x")).startsWith("roomcast: --cluster-secret-file needs --node ID");
        assertThat(refused(BOTH, "--cluster-data", "x")).startsWith("roomcast: --cluster-data needs --node ID");
        assertThat(refused(BOTH, "--failure-detection", "2s")).startsWith("roomcast: --failure-detection needs --node ID");
    }

    @Test
    void aNodeWithoutClusterAddressOrPeersIsRefused() throws Exception {
        assertThat(refused(BOTH, "--node", "a", "--peer", "b")).startsWith("roomcast: --node needs --cluster HOST:PORT");
        assertThat(refused(BOTH, "--node", "a", "--cluster", "127.0.0.1:7801"))
                .startsWith("roomcast: --node a has no --peer: give one --peer ID[=HOST:PORT] for each other node");
    }

    @Test
    void badAddressesAndPeersAreRefusedSayingWhich() throws Exception {
        String[] node = {"--node", "a", "--cluster", "127.0.0.1:7801"};
        assertThat(refused(BOTH, concat(node, "--peer", "b=127.0.0.1")))
                .isEqualTo("roomcast: --peer b=127.0.0.1: '127.0.0.1' is not HOST:PORT, such as 127.0.0.1:7801\n");
        assertThat(refused(BOTH, concat(node, "--peer", "b=")))
                .startsWith("roomcast: --peer b=: '' is not HOST:PORT");
        assertThat(refused(BOTH, concat(node, "--peer", "=127.0.0.1:7802")))
                .startsWith("roomcast: --peer =127.0.0.1:7802: a node id is 1 to 64 characters");
        assertThat(refused(BOTH, concat(node, "--peer", "b=127.0.0.1:0")))
                .contains("the port must be a number from 1 to 65535");
        assertThat(refused(BOTH, concat(node, "--peer", "b=127.0.0.1:seven")))
                .contains("the port must be a number from 1 to 65535");
        assertThat(refused(BOTH, concat(node, "--peer", "b,c")))
                .startsWith("roomcast: --peer b,c: a node id is 1 to 64 characters, without spaces, control characters");
        assertThat(refused(BOTH, concat(node, "--peer", "a=127.0.0.1:7802")))
                .startsWith("roomcast: --peer a=127.0.0.1:7802: a is this node (--node)");
        assertThat(refused(BOTH, concat(node, "--peer", "b", "--peer", "b=127.0.0.1:7802")))
                .startsWith("roomcast: --peer: node b is listed twice");
        assertThat(refused(BOTH, concat(node, "--peer", "b=127.0.0.1:7801")))
                .startsWith("roomcast: --peer b=127.0.0.1:7801: 127.0.0.1:7801 is already this node's --cluster address");
        assertThat(refused(BOTH, concat(node, "--peer", "b=127.0.0.1:7802", "--peer", "c=127.0.0.1:7802")))
                .contains("127.0.0.1:7802 is already another peer's address");
        assertThat(refused(BOTH, "--node", "a", "--cluster", "127.0.0.1:x", "--peer", "b"))
                .startsWith("roomcast: --cluster: '127.0.0.1:x': the port must be a number from 0 to 65535");
        assertThat(refused(BOTH, "--node", "a", "--cluster", "0.0.0.0:7801", "--peer", "b"))
                .contains("not a wildcard address");
        assertThat(refused(BOTH, "--node", "a b", "--cluster", "127.0.0.1:7801", "--peer", "b"))
                .startsWith("roomcast: --node: a node id is 1 to 64");
        assertThat(refused(BOTH, "--node", "n".repeat(65), "--cluster", "127.0.0.1:7801", "--peer", "b"))
                .startsWith("roomcast: --node: a node id is 1 to 64");
        assertThat(refused(BOTH, concat(node, "--peer", "b", "--failure-detection", "soon")))
                .startsWith("roomcast: --failure-detection: 'soon' is not a duration");
        assertThat(refused(BOTH, concat(node, "--peer", "b", "--failure-detection", "2h")))
                .startsWith("roomcast: --failure-detection 2h is too long: at most 10m");
    }

    @Test
    void aMissingShortOrUnreadableSecretIsRefusedWithoutShowingIt() throws Exception {
        String[] node = {"--node", "a", "--cluster", "127.0.0.1:7801", "--peer", "b"};
        assertThat(refused(Map.of("ROOMCAST_PASSWORD", "pw"), node))
                .isEqualTo("roomcast: no cluster secret: set ROOMCAST_CLUSTER_SECRET or give --cluster-secret-file FILE"
                        + " (the same secret on every node, at least 16 bytes)\n");
        Map<String, String> shortSecret = new HashMap<>(BOTH);
        shortSecret.put(ClusterOptions.SECRET_VARIABLE, "short secret");
        assertThat(refused(shortSecret, node)).startsWith("roomcast: the cluster secret from ROOMCAST_CLUSTER_SECRET is too"
                + " short: at least 16 bytes").doesNotContain("short secret");

        Path missing = dir.resolve("missing");
        assertThat(refused(BOTH, concat(node, "--cluster-secret-file", missing.toString())))
                .isEqualTo("roomcast: cannot read the cluster secret file " + missing + ": no such file\n");
        Path twoLines = dir.resolve("two-lines");
        Files.writeString(twoLines, "first line of the secret\nsecond line\n");
        assertThat(refused(BOTH, concat(node, "--cluster-secret-file", twoLines.toString())))
                .startsWith("roomcast: the cluster secret file " + twoLines + " holds more than one line;"
                        + " a cluster secret is one line").doesNotContain("first line");

        assertThat(refused(BOTH, concat(node, "--cluster-secret", "do not show me anywhere")))
                .startsWith("roomcast: --cluster-secret: the cluster secret is never given on the command line")
                .contains("ROOMCAST_CLUSTER_SECRET", "--cluster-secret-file").doesNotContain("do not show me");
    }

    @Test
    void helpNamesTheClusterOptionsAndWhereTheSecretComesFrom() throws Exception {
        AppRun help = new AppRun(Map.of(), "server", "--help");
        runs.add(help);
        assertThat(help.awaitExit()).isZero();
        assertThat(help.rawOutput()).contains("--node=ID", "--cluster=HOST:PORT", "--peer=ID[=HOST:PORT]",
                "--cluster-secret-file=FILE", "--cluster-data=DIR", "--failure-detection=DURATION",
                "$ROOMCAST_CLUSTER_SECRET").doesNotContain("--cluster-secret=");
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
