package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes in three JVMs over TCP on 127.0.0.1; one is killed with SIGKILL. */
class MultiProcessTest {
    private final List<Child> children = new ArrayList<>();

    /** A node's JVM and the lines it printed. */
    static final class Child {
        final String id;
        final Process process;
        final Writer stdin;
        private final List<String> lines = new ArrayList<>();

        Child(String id, Process process) {
            this.id = id;
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        synchronized (this) {
                            lines.add(line);
                            notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the process died
                }
            }, "read-" + id);
            reader.setDaemon(true);
            reader.start();
        }

        synchronized List<String> lines() {
            return new ArrayList<>(lines);
        }

        List<String> applied() {
            return lines().stream().filter(l -> l.startsWith("APPLIED ")).map(l -> l.substring(8)).toList();
        }

        synchronized String await(String what, Predicate<String> line) throws InterruptedException {
            long deadline = System.nanoTime() + TestCluster.WAIT.toNanos();
            while (true) {
                for (String l : lines) {
                    if (line.test(l)) {
                        return l;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && lines.stream().noneMatch(line)) {
                    throw new AssertionError(id + ": no " + what + " in " + lines);
                }
                wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        }

        void awaitApplied(String what, Predicate<List<String>> condition) throws InterruptedException {
            long deadline = System.nanoTime() + TestCluster.WAIT.toNanos();
            synchronized (this) {
                while (!condition.test(applied())) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(id + ": timed out waiting for " + what + "; applied " + applied());
                    }
                    wait(Math.max(1, Math.min(100, left / 1_000_000)));
                }
            }
        }

        void say(String text) throws IOException {
            stdin.write("say " + text + "\n");
            stdin.flush();
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Child c : children) {
            c.process.destroyForcibly();
        }
        for (Child c : children) {
            c.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Child launch(String id, Path logs, String... peers) throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true", "-cp", System.getProperty("java.class.path"),
                NodeProcess.class.getName(), id));
        command.addAll(List.of(peers));
        Process p = new ProcessBuilder(command).redirectError(logs.resolve(id + ".log").toFile()).start();
        Child child = new Child(id, p);
        children.add(child);
        return child;
    }

    private static String bound(Child c) throws InterruptedException {
        String line = c.await("BOUND", l -> l.startsWith("BOUND "));
        assertThat(line).doesNotEndWith("none");
        return line.substring(6);
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void threeProcessesOneOrderAndAKilledNodeIsReportedLost(@TempDir Path logs) throws Exception {
        Child a = launch("a", logs, "b", "c");
        String aAddress = bound(a);
        Child b = launch("b", logs, "a=" + aAddress, "c");
        String bAddress = bound(b);
        Child c = launch("c", logs, "a=" + aAddress, "b=" + bAddress);
        for (Child child : List.of(a, b, c)) {
            child.await("STARTED true", "STARTED true"::equals);
        }
        for (int i = 0; i < 10; i++) {
            for (Child child : List.of(a, b, c)) {
                child.say("m" + i);
            }
        }
        for (Child child : List.of(a, b, c)) {
            child.awaitApplied("30 commands", l -> l.size() >= 30);
        }
        assertThat(b.applied()).isEqualTo(a.applied());
        assertThat(c.applied()).isEqualTo(a.applied());

        c.process.destroyForcibly(); // SIGKILL: no goodbye, found by failure detection
        assertThat(c.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (Child child : List.of(a, b)) {
            child.awaitApplied("c reported lost", l -> l.contains("L|c"));
        }
        a.say("after");
        b.say("after");
        for (Child child : List.of(a, b)) {
            child.awaitApplied("both afters", l -> l.contains("S|a|after") && l.contains("S|b|after"));
        }
        assertThat(b.applied()).isEqualTo(a.applied());
        assertThat(a.applied()).doesNotHaveDuplicates().hasSize(30 + 1 + 2);
    }
}
