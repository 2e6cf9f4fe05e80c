package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.wire.AckFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * One end of a {@link Connection} under test, as a {@link DatagramEngine} for the
 * {@link SimulatedNetwork}. Its packets carry numbered items of chosen sizes, as SEND frames
 * sliced by {@link SliceRule}, and what a lost packet carried goes again first through a
 * {@link ResendQueue} — the way the server's event stream and the client's send window fill
 * their packets. What arrives is put back together and checked byte by byte.
 *
 * <p>Like the engines, it ends when the peer falls silent for the idle timeout or when a close
 * is over, answers a CLOSE with a CLOSE_ACK made by {@link Connection#packetOf} and then ends,
 * and a CLOSE_ACK ends its own close. Everything it sends and receives is logged with the
 * virtual time, for the tests' assertions.
 *
 * <p>Item bytes are a function of the item number and the offset, so a slice put at the wrong
 * place, or from another item, is caught where it lands.
 */
final class ItemEndpoint implements DatagramEngine {
    /** Where a datagram goes that the test wants lost: no node is attached there. */
    static final InetSocketAddress NOWHERE = new InetSocketAddress("127.0.0.9", 9);
    /** The connection id both ends put in their headers. */
    static final long CONNECTION_ID = 0x5EED_0001L;

    /** A datagram this end sent ({@code lost} if the test routed it {@link #NOWHERE}). */
    record Sent(long atNanos, long packetNumber, byte[] bytes, boolean lost) {
    }

    /** A datagram that reached this end and what the connection made of it. */
    record Arrived(long atNanos, long packetNumber, Connection.Arrival arrival) {
    }

    /** A SEND slice handed to this end's owner (taken or refused). */
    record Slice(long atNanos, long item, int offset, int length) {
    }

    final Connection<List<ResendQueue.Piece>> connection;
    private final InetSocketAddress peer;
    /** A protector with this end's sealing key: opens what this end sent, for inspection. */
    private final PacketProtector inspector;

    // what this end sends
    private final Map<Long, Integer> sizes = new HashMap<>();
    private final ArrayDeque<Long> unsent = new ArrayDeque<>();
    private int unsentOffset;
    private final ResendQueue resend = new ResendQueue();
    private final ArrayDeque<byte[]> replies = new ArrayDeque<>();
    private LongPredicate loseOutgoing = packetNumber -> false;

    // what this end received
    private final Map<Long, byte[]> assembling = new HashMap<>();
    private final Map<Long, BitSet> present = new HashMap<>();
    private Predicate<Frame.Send> refuse = send -> false;

    final List<Sent> sent = new ArrayList<>();
    final List<Arrived> arrivals = new ArrayList<>();
    final List<Slice> slices = new ArrayList<>();
    final List<Slice> refused = new ArrayList<>();
    /** Items complete, in the order they completed; each is listed once at most. */
    final List<Long> completed = new ArrayList<>();
    final Map<Long, byte[]> items = new LinkedHashMap<>();
    /** Slices whose bytes were not the item's bytes at their offset. */
    final List<String> corrupt = new ArrayList<>();
    /** Frames other than SEND and ACK handed to the owner. */
    final List<Frame> otherFrames = new ArrayList<>();
    final List<MalformedPacketException> malformed = new ArrayList<>();
    /** When {@link Connection.Content#write} was called. */
    final List<Long> writes = new ArrayList<>();
    /** When a probe timeout fired. */
    final List<Long> probes = new ArrayList<>();
    long idleExpiredAtNanos = -1;
    long finishedAtNanos = -1;
    private boolean peerClosed;

    private final Connection.Frames frames = new Connection.Frames() {
        @Override
        public boolean take(Frame frame, long nowNanos) {
            if (frame instanceof Frame.Send send) {
                Slice slice = new Slice(nowNanos, send.messageId(), send.offset(), send.data().length);
                if (refuse.test(send)) {
                    refused.add(slice);
                    return false;
                }
                slices.add(slice);
                assemble(send);
                return true;
            }
            otherFrames.add(frame);
            if (frame instanceof Frame.Close) {
                peerClosed = true;
                replies.add(connection.packetOf(Frame.CloseAck.INSTANCE));
            } else if (frame instanceof Frame.CloseAck && connection.isClosing()) {
                finish(nowNanos);
            }
            return true;
        }

        @Override
        public boolean ended() {
            return finishedAtNanos >= 0 || peerClosed;
        }
    };

    private ItemEndpoint(InetSocketAddress peer, PacketProtector sealer, PacketProtector opener,
                         PacketProtector inspector, long idleTimeoutNanos, long nowNanos) {
        this.peer = peer;
        this.inspector = inspector;
        this.connection = new Connection<>(CONNECTION_ID, sealer, opener, idleTimeoutNanos, nowNanos, new Items());
    }

    /**
     * Two ends of one connection, attached to {@code network} at {@code a} and {@code b}, each
     * direction with its own key.
     */
    static ItemEndpoint[] connect(SimulatedNetwork network, InetSocketAddress a, InetSocketAddress b,
                                  long idleTimeoutNanos) {
        long now = network.now();
        ItemEndpoint endA = new ItemEndpoint(b, protector(1), protector(2), protector(1), idleTimeoutNanos, now);
        ItemEndpoint endB = new ItemEndpoint(a, protector(2), protector(1), protector(2), idleTimeoutNanos, now);
        network.attach(a, endA);
        network.attach(b, endB);
        return new ItemEndpoint[] {endA, endB};
    }

    /** The key of one direction: every byte of key and IV derived from {@code direction}. */
    static PacketProtector protector(int direction) {
        byte[] key = new byte[PacketProtector.KEY_BYTES];
        byte[] iv = new byte[PacketProtector.IV_BYTES];
        Arrays.fill(key, (byte) (17 * direction));
        Arrays.fill(iv, (byte) (29 * direction));
        return new PacketProtector(key, iv);
    }

    /** Byte {@code index} of item {@code item}. */
    static byte itemByte(long item, int index) {
        return (byte) ((item * 0x9E37_79B1L + index * 0x85EB_CA6BL) >>> 13);
    }

    static byte[] itemBytes(long item, int offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = itemByte(item, offset + i);
        }
        return bytes;
    }

    /** Queues item {@code item} of {@code size} bytes; call inside {@link SimulatedNetwork#act}. */
    void send(long item, int size) {
        if (size < 1 || sizes.putIfAbsent(item, size) != null) {
            throw new IllegalArgumentException("item " + item + " of " + size + " bytes");
        }
        unsent.add(item);
    }

    /** From now on, the packets whose numbers {@code lose} accepts are lost on their way out. */
    void loseOutgoing(LongPredicate lose) {
        this.loseOutgoing = lose;
    }

    /** From now on, SEND frames {@code refuse} accepts are not taken, so their packet is not acknowledged. */
    void refuse(Predicate<Frame.Send> refuse) {
        this.refuse = refuse;
    }

    /** {@code true} while items, or pieces of lost packets, wait to be written. */
    boolean hasItemsToWrite() {
        return !unsent.isEmpty() || !resend.isEmpty();
    }

    /** The frames of a datagram this end sent. */
    List<Frame> framesOf(Sent datagram) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(datagram.bytes());
            List<Frame> opened = ProtectedPackets.open(inspector, buffer, ProtectedPackets.peekHeader(buffer));
            if (opened == null) {
                throw new AssertionError("a datagram this end sent does not open");
            }
            return opened;
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
    }

    /** The packet numbers that the ACK frames of a datagram this end sent acknowledge. */
    Set<Long> acknowledgedBy(Sent datagram) {
        Set<Long> acknowledged = new TreeSet<>();
        for (Frame frame : framesOf(datagram)) {
            if (frame instanceof AckFrame ack) {
                for (AckFrame.Range range : ack.ranges()) {
                    for (long pn = range.from(); pn <= range.to(); pn++) {
                        acknowledged.add(pn);
                    }
                }
            }
        }
        return acknowledged;
    }

    /** The SEND frames of a datagram this end sent. */
    List<Frame.Send> sendsOf(Sent datagram) {
        return framesOf(datagram).stream().filter(Frame.Send.class::isInstance).map(Frame.Send.class::cast).toList();
    }

    /** The datagrams this end sent at or after {@code fromNanos}. */
    List<Sent> sentSince(long fromNanos) {
        return sent.stream().filter(s -> s.atNanos() >= fromNanos).toList();
    }

    // ---------------------------------------------------------------- DatagramEngine

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        if (isFinished()) {
            return;
        }
        try {
            ShortHeader header = ProtectedPackets.peekHeader(datagram);
            Connection.Arrival arrival = connection.receive(nowNanos, datagram, header, frames);
            arrivals.add(new Arrived(nowNanos, header.packetNumber(), arrival));
        } catch (MalformedPacketException e) {
            malformed.add(e);
        }
    }

    @Override
    public void handleTimeout(long nowNanos) {
        if (isFinished()) {
            return;
        }
        if (connection.isClosing()) {
            if (connection.closeFinished(nowNanos)) {
                finish(nowNanos);
            }
            return;
        }
        if (connection.idleExpired(nowNanos)) {
            idleExpiredAtNanos = nowNanos;
            finish(nowNanos);
            return;
        }
        if (connection.onTimers(nowNanos)) {
            probes.add(nowNanos);
        }
    }

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        if (isFinished()) {
            return null;
        }
        int start = out.position();
        byte[] reply = replies.poll();
        if (reply != null) {
            out.put(reply);
        } else if (peerClosed || !connection.writePacket(nowNanos, out)) {
            return null;
        }
        byte[] bytes = Arrays.copyOfRange(out.array(), out.arrayOffset() + start, out.arrayOffset() + out.position());
        long packetNumber = ByteBuffer.wrap(bytes).getLong(1 + 8);
        boolean lose = loseOutgoing.test(packetNumber);
        sent.add(new Sent(nowNanos, packetNumber, bytes, lose));
        if (peerClosed && replies.isEmpty()) {
            finish(nowNanos); // like the engines: the CLOSE_ACK is this end's last word
        }
        return lose ? NOWHERE : peer;
    }

    @Override
    public long nextDeadlineNanos() {
        return isFinished() ? Long.MAX_VALUE : connection.nextDeadlineNanos(false);
    }

    @Override
    public boolean isFinished() {
        return finishedAtNanos >= 0;
    }

    private void finish(long nowNanos) {
        if (finishedAtNanos < 0) {
            finishedAtNanos = nowNanos;
        }
    }

    private void assemble(Frame.Send send) {
        long item = send.messageId();
        byte[] data = send.data();
        for (int i = 0; i < data.length; i++) {
            if (data[i] != itemByte(item, send.offset() + i)) {
                corrupt.add(send + " differs at byte " + (send.offset() + i));
                return;
            }
        }
        if (items.containsKey(item)) {
            return; // a late copy of what is already whole
        }
        byte[] whole = assembling.computeIfAbsent(item, i -> new byte[send.totalLength()]);
        if (whole.length != send.totalLength()) {
            corrupt.add(send + " claims another length than " + whole.length);
            return;
        }
        System.arraycopy(data, 0, whole, send.offset(), data.length);
        BitSet bits = present.computeIfAbsent(item, i -> new BitSet());
        bits.set(send.offset(), send.offset() + data.length);
        if (bits.cardinality() == whole.length) {
            assembling.remove(item);
            present.remove(item);
            items.put(item, whole);
            completed.add(item);
        }
    }

    /** What this end's packets carry: slices of its items, lost ones first. */
    private final class Items implements Connection.Content<List<ResendQueue.Piece>> {
        @Override
        public boolean hasFramesToSend(long nowNanos) {
            return hasItemsToWrite();
        }

        @Override
        public List<ResendQueue.Piece> write(ByteBuffer out, int limit, boolean carrying, long nowNanos) {
            writes.add(nowNanos);
            List<ResendQueue.Piece> pieces = new ArrayList<>();
            boolean resent = resend.writeInto((item, offset, length) -> writeSlice(out, limit, item, offset, length,
                    pieces));
            while (resent && !unsent.isEmpty()) {
                long item = unsent.peek();
                int length = sizes.get(item) - unsentOffset;
                int written = writeSlice(out, limit, item, unsentOffset, length, pieces);
                if (written == SliceRule.WAIT) {
                    break;
                }
                if (written < length) {
                    unsentOffset += written;
                    break;
                }
                unsent.poll();
                unsentOffset = 0;
            }
            return pieces.isEmpty() ? null : pieces;
        }

        @Override
        public void lost(List<ResendQueue.Piece> pieces, long nowNanos) {
            resend.lost(pieces, item -> true); // nothing tells this owner an item is settled
        }

        private int writeSlice(ByteBuffer out, int limit, long item, int offset, int length,
                               List<ResendQueue.Piece> pieces) {
            int total = sizes.get(item);
            int data = SliceRule.bytesToWrite(limit - out.position(), Frame.Send.OVERHEAD_BYTES,
                    Frame.Send.OVERHEAD_BYTES, total, offset, length);
            if (data == SliceRule.WAIT) {
                return data;
            }
            new Frame.Send(item, total, offset, itemBytes(item, offset, data)).encode(out);
            pieces.add(new ResendQueue.Piece(item, offset, data));
            return data;
        }
    }
}
