package io.roomcast.examples.load;

import io.roomcast.AuthenticationException;
import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import io.roomcast.MessageRefusedException;
import io.roomcast.RefusalReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One load run: joins the members, a bounded number at a time; has the senders send at the total
 * rate for the duration, paced by a scheduler tick (the messages due since the last tick, round
 * robin over the senders); waits for what the room accepted to arrive; closes every member. Each
 * message carries its send time ({@link LoadMessage}), so every delivery's latency is measured on
 * one clock: every member is in this process.
 *
 * <p>Threading: {@link #run} on one thread; {@link #progress} and {@link #close} from any.
 */
final class LoadRun implements AutoCloseable {
    /**
     * The longest the run waits, after sending, for what the room accepted to arrive: long enough
     * for an overloaded room to work off its backlog, so that late is not counted as lost.
     */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
    /**
     * The run stops waiting sooner when nothing has arrived for this long: longer than the
     * library's retransmission waits on a loaded machine.
     */
    static final Duration DRAIN_QUIET = Duration.ofSeconds(5);
    private static final long DRAIN_CHECK_MILLIS = 50;

    /** Where a run is. */
    enum Phase { JOINING, SENDING, DRAINING, CLOSING, DONE }

    /**
     * What to run.
     *
     * @param server          the room's address
     * @param password        its password
     * @param members         how many members join
     * @param senders         how many of them send
     * @param rate            messages per second, all senders together
     * @param payload         bytes per message, at least {@link LoadMessage#HEADER_BYTES}
     * @param duration        how long the senders send
     * @param namePrefix      member {@code i} is {@code namePrefix + i}
     * @param joinConcurrency how many members join at once
     */
    record Settings(InetSocketAddress server, String password, int members, int senders, int rate, int payload,
                    Duration duration, String namePrefix, int joinConcurrency) {
    }

    /**
     * Where the run is now, for the progress line.
     *
     * @param phase          the phase
     * @param sendingNanos   how long the senders have been sending (0 before)
     * @param joined         members in the room so far
     * @param sent           messages sent so far
     * @param deliveries     messages received so far, all members together
     * @param latency        the latencies so far
     * @param atNanos        when this was taken ({@link System#nanoTime})
     */
    record Progress(Phase phase, long sendingNanos, int joined, long sent, long deliveries,
                    LatencyHistogram.Snapshot latency, long atNanos) {
    }

    private final Settings settings;
    private final int runId = ThreadLocalRandom.current().nextInt();
    private final long origin = System.nanoTime();
    private final DeliveryLedger ledger;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicReferenceArray<ChatClient> clients;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "roomcast-load-pacer"));

    private volatile Phase phase = Phase.JOINING;
    private volatile ChatClient[] senders = new ChatClient[0];
    private volatile long sendStart;
    private volatile long lastDelivery;
    private volatile boolean closing;
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final LongAdder pending = new LongAdder();
    private final LongAdder unconfirmed = new LongAdder();
    private final Map<RefusalReason, LongAdder> refused = new EnumMap<>(RefusalReason.class);
    private final AtomicInteger reconnects = new AtomicInteger();
    private final AtomicInteger reconnected = new AtomicInteger();
    private final AtomicReference<String> firstJoinFailure = new AtomicReference<>();
    private final AtomicReference<String> firstLeave = new AtomicReference<>();
    private final AtomicReference<String> firstSendFailure = new AtomicReference<>();
    private final AtomicReference<String> sendProblem = new AtomicReference<>();
    private volatile boolean wrongPassword;
    private volatile CompletableFuture<Void> waiting = new CompletableFuture<>(); // what run() waits for; close() ends it

    LoadRun(Settings settings) {
        this.settings = settings;
        this.ledger = new DeliveryLedger(settings.members(), settings.senders());
        this.clients = new AtomicReferenceArray<>(settings.members());
        for (RefusalReason reason : RefusalReason.values()) {
            refused.put(reason, new LongAdder());
        }
    }

    /** Runs it all and closes every member; the outcome. */
    LoadResult run() throws InterruptedException {
        try {
            long joinStart = System.nanoTime();
            joinAll();
            long joinNanos = System.nanoTime() - joinStart;
            long sendNanos = 0;
            long drainNanos = 0;
            if (!wrongPassword && joined.get() > 0) {
                sendNanos = sendAll();
                if (!closing) {
                    phase = Phase.DRAINING;
                    long drainStart = System.nanoTime();
                    drain();
                    drainNanos = System.nanoTime() - drainStart;
                }
            }
            boolean interrupted = closing; // closed from outside (Ctrl-C) before the run ended
            ledger.pruneRefused();
            long deliverySpan = ledger.deliveries() == 0 ? 0 : Math.max(0, lastDelivery - sendStart);
            // Each send moves once from pending to accepted, refused or unconfirmed: read those first and the
            // sent count last, so that what is in none of them (pending) is never negative and the four add up.
            long accepted = ledger.accepted();
            Map<RefusalReason, Long> refusals = new EnumMap<>(RefusalReason.class);
            refused.forEach((reason, count) -> refusals.put(reason, count.sum()));
            long failed = unconfirmed.sum();
            long sentTotal = sent.get();
            long refusedTotal = refusals.values().stream().mapToLong(Long::longValue).sum();
            long stillPending = sentTotal - accepted - refusedTotal - failed;
            return new LoadResult(settings, joined.get(), joinNanos, sentTotal, accepted, refusals, failed,
                    stillPending, ledger.deliveries(), sendNanos, drainNanos, deliverySpan, latency.snapshot(),
                    ledger.lost(), ledger.duplicated(), ledger.outOfOrder(), ledger.leftAfterJoining(), reconnects.get(),
                    reconnected.get(), wrongPassword, interrupted, firstJoinFailure.get(), firstLeave.get(),
                    firstSendFailure.get(), sendProblem.get());
        } finally {
            close();
        }
    }

    /** Where the run is now. */
    Progress progress() {
        long start = sendStart;
        long now = System.nanoTime();
        return new Progress(phase, start == 0 ? 0 : now - start, joined.get(), sent.get(), ledger.deliveries(),
                latency.snapshot(), now);
    }

    private void joinAll() throws InterruptedException {
        ExecutorService joiners = Executors.newFixedThreadPool(settings.joinConcurrency(),
                task -> daemon(task, "roomcast-load-join"));
        try {
            List<Future<?>> joins = new ArrayList<>();
            for (int i = 0; i < settings.members(); i++) {
                int member = i;
                joins.add(joiners.submit(() -> join(member)));
            }
            for (Future<?> join : joins) {
                try {
                    join.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a join failed unexpectedly", e.getCause());
                }
            }
        } finally {
            joiners.shutdownNow();
        }
    }

    private void join(int member) {
        if (wrongPassword || closing || firstJoinFailure.get() != null) { // after one refusal, the rest would wait too
            ledger.left(member);
            return;
        }
        Member listener = new Member(member);
        ChatClient client = ChatClient.builder().server(settings.server())
                .username(settings.namePrefix() + member).password(settings.password())
                .listener(listener).build();
        clients.set(member, client);
        try {
            client.connect();
            if (closing) {
                client.close();
                ledger.left(member);
                return;
            }
            joined.incrementAndGet();
            if (ledger.joined(member)) { // it lost the room before this thread got here
                noteLeave(member, listener.leaveReason);
            }
        } catch (AuthenticationException e) {
            wrongPassword = true;
            firstJoinFailure.compareAndSet(null, e.getMessage());
            ledger.left(member);
        } catch (IOException | RuntimeException e) {
            firstJoinFailure.compareAndSet(null, settings.namePrefix() + member + ": " + e.getMessage());
            ledger.left(member);
        }
    }

    /** Sends for the duration; how long it took. */
    private long sendAll() throws InterruptedException {
        List<ChatClient> in = new ArrayList<>();
        for (int i = 0; i < settings.members() && in.size() < settings.senders(); i++) {
            if (!ledger.hasLeft(i) && clients.get(i) != null) {
                in.add(clients.get(i));
            }
        }
        ChatClient[] active = in.toArray(ChatClient[]::new);
        if (active.length == 0) {
            return 0; // every member that joined has lost the room already
        }
        senders = active;
        long[] nextSequence = new long[active.length];
        long total = (long) Math.ceil(settings.rate() * (double) settings.duration().toNanos() / 1e9);
        long tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(TimeUnit.MILLISECONDS.toNanos(10), 1_000_000_000L / settings.rate()));
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting = done;
        long[] lastPrune = {System.nanoTime()};
        long start = System.nanoTime();
        sendStart = start;
        phase = Phase.SENDING;
        Future<?> ticks = schedule(done, () -> pacer.scheduleAtFixedRate(() -> {
            try {
                long now = System.nanoTime();
                long elapsed = now - start;
                long due = Math.min(total, (long) (settings.rate() * (elapsed / 1e9)));
                if (elapsed >= settings.duration().toNanos()) {
                    due = total;
                }
                for (long next = sent.get(); next < due && !closing && sendProblem.get() == null; next++) {
                    int sender = (int) (next % active.length);
                    sendOne(active[sender], sender, nextSequence[sender]++);
                }
                if (now - lastPrune[0] >= TimeUnit.SECONDS.toNanos(1)) {
                    lastPrune[0] = now;
                    ledger.pruneRefused(); // refusals of a rate-limited room stay out of memory
                }
                if (due >= total || closing || sendProblem.get() != null) {
                    done.complete(null);
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, 0, tickNanos, TimeUnit.NANOSECONDS));
        try {
            done.join();
        } finally {
            ticks.cancel(false);
        }
        return System.nanoTime() - start;
    }

    private void sendOne(ChatClient client, int sender, long sequence) {
        long now = System.nanoTime();
        String text = new LoadMessage(sender, sequence, (now - origin) / 1000).text(runId, settings.payload());
        ledger.sent(sender, sequence);
        CompletableFuture<ChatMessage> future;
        try {
            future = client.send(text);
        } catch (IllegalArgumentException e) { // larger than the room allows: every message would be; not sent
            sendProblem.compareAndSet(null, e.getMessage());
            return;
        }
        sent.incrementAndGet(); // before its outcome is counted, and so before the future's action below
        pending.increment();
        future.whenComplete((message, failure) -> {
            if (failure == null) {
                ledger.accepted(sender, sequence);
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof MessageRefusedException refusal) {
                    ledger.refused(sender, sequence);
                    refused.get(refusal.reason()).increment();
                } else { // e.g. the sender left, or its reconnect queue was full (a ChatException)
                    firstSendFailure.compareAndSet(null, client.username() + ": " + cause.getClass().getSimpleName()
                            + ": " + cause.getMessage());
                    unconfirmed.increment();
                }
            }
            pending.decrement();
        });
    }

    /** Waits until every send is settled and every accepted message has arrived, or the drain limits. */
    private void drain() throws InterruptedException {
        long start = System.nanoTime();
        CompletableFuture<Void> drained = new CompletableFuture<>();
        waiting = drained;
        long[] last = {ledger.deliveries(), start};
        Future<?> checks = schedule(drained, () -> pacer.scheduleWithFixedDelay(() -> {
            try {
                long now = System.nanoTime();
                long deliveries = ledger.deliveries();
                if (deliveries != last[0]) {
                    last[0] = deliveries;
                    last[1] = now;
                }
                boolean settled = pending.sum() == 0;
                ledger.pruneRefused();
                if (closing || settled && ledger.lost() == 0 || now - start >= DRAIN_LIMIT.toNanos()
                        || settled && now - last[1] >= DRAIN_QUIET.toNanos()) {
                    drained.complete(null);
                }
            } catch (RuntimeException e) {
                drained.completeExceptionally(e);
            }
        }, 0, DRAIN_CHECK_MILLIS, TimeUnit.MILLISECONDS));
        try {
            drained.join();
        } finally {
            checks.cancel(false);
        }
    }

    /**
     * Schedules on the pacer, unless {@link #close} has stopped it (Ctrl-C): then {@code waitedFor}
     * is complete, and the task is not needed.
     */
    private static Future<?> schedule(CompletableFuture<Void> waitedFor, Supplier<Future<?>> task) {
        try {
            return task.get();
        } catch (RejectedExecutionException closed) {
            waitedFor.complete(null);
            return waitedFor;
        }
    }

    /** Closes every member, in parallel; idempotent, and safe from a shutdown hook. */
    @Override
    public void close() {
        if (closing && phase == Phase.DONE) {
            return;
        }
        closing = true;
        phase = Phase.CLOSING;
        pacer.shutdownNow();
        waiting.complete(null);
        ExecutorService closers = Executors.newFixedThreadPool(Math.max(8, settings.joinConcurrency()),
                task -> daemon(task, "roomcast-load-close"));
        for (int i = 0; i < settings.members(); i++) {
            ChatClient client = clients.get(i);
            if (client != null) {
                closers.execute(client::close);
            }
        }
        closers.shutdown();
        try {
            closers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        phase = Phase.DONE;
    }

    /** Member {@code member}, which had joined, lost the room ({@code reason}) during the run. */
    private void noteLeave(int member, LeaveReason reason) {
        firstLeave.compareAndSet(null, settings.namePrefix() + member + ": "
                + reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One member's listener: counts this run's messages as they arrive. */
    private final class Member implements ChatClientListener {
        private final int index;
        volatile LeaveReason leaveReason; // set before the ledger hears of the leave

        Member(int index) {
            this.index = index;
        }

        @Override
        public void onMessage(ChatMessage message) {
            long now = System.nanoTime();
            LoadMessage load = LoadMessage.parse(message.text(), runId);
            ChatClient[] from = senders;
            if (load == null || load.sender() >= from.length || !from[load.sender()].username().equals(message.sender())) {
                return; // someone else's message in a shared room
            }
            latency.record(now - origin - load.sentMicros() * 1000);
            ledger.delivered(index, load.sender(), load.sequence());
            lastDelivery = now;
        }

        @Override
        public void onReconnecting(LeaveReason cause) {
            reconnects.incrementAndGet();
        }

        @Override
        public void onReconnected(boolean nothingMissed) {
            reconnected.incrementAndGet();
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            if (closing) {
                return; // our own close
            }
            leaveReason = reason;
            if (ledger.left(index)) { // else it had not joined yet: join() counts it when it has
                noteLeave(index, reason);
            }
        }
    }
}
