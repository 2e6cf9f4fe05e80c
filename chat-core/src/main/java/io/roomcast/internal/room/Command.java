package io.roomcast.internal.room;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.spi.RoomCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The commands the room applies, in the one order its backend decides: each made by the server of
 * one node (its {@code origin}), stamped with that node's wall clock, so that applying it gives the
 * same events on every node. Encoded for backends that replicate them ({@link #toBytes()},
 * {@link #decode(byte[])}); the in-process backend passes the records themselves.
 */
public sealed interface Command extends RoomCommand {
    /** The first byte of every encoded command: the encoding's version. */
    int VERSION = 1;

    /** The node whose server made the command. */
    String origin();

    /**
     * A member proved the password on {@code origin} and asks to join as {@code username}.
     *
     * @param connectionId the handshake's connection id on its node, which finds the handshake there
     * @param address      where the member speaks from, as its node sees it
     * @param session      the session it will have, and the one it resumes
     */
    record Join(String origin, String username, long connectionId, InetSocketAddress address, long wallMillis,
                Resume session) implements Command {
        public Join {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(session, "session");
        }

        /** A fresh join with no session, for tests of the room's order. */
        public Join(String origin, String username, long connectionId, InetSocketAddress address, long wallMillis) {
            this(origin, username, connectionId, address, wallMillis, Resume.NONE);
        }
    }

    /**
     * A joining member's session: the resume id and key it will have, and, when it resumes, the
     * session it resumes and where that one stood.
     *
     * @param resumeId        its new resume id (empty: none)
     * @param resumeKey       its new resume key (empty: none)
     * @param resumedId       the id of the session it resumes, or empty for a fresh join
     * @param resumedFloor    the floor of the resumed session's stream
     * @param lastProcessedId the last message id the room processed from the resumed session
     * @param lastDelivered   the last event the resuming client's application was given
     */
    record Resume(byte[] resumeId, byte[] resumeKey, byte[] resumedId, long resumedFloor, long lastProcessedId,
                  long lastDelivered) {
        /** No session at all. */
        public static final Resume NONE = new Resume(new byte[0], new byte[0], new byte[0], 0, 0, 0);

        /** Whether it resumes a session. */
        public boolean resumes() {
            return resumedId.length > 0;
        }
    }

    /** A member of {@code origin} said {@code text} (its {@code messageId}-th message). */
    record Say(String origin, String username, long messageId, String text, long wallMillis) implements Command {
    }

    /**
     * A member leaves (or the host of {@code origin} removes it) for {@code reason}.
     *
     * @param holdNanos for how long its name and session are held for it to resume (it timed out),
     *                  on every node, from {@code wallMillis}; 0: not held
     */
    record Leave(String origin, String username, CloseReason reason, long wallMillis, long holdNanos)
            implements Command {
        /** A leave whose session is not held. */
        public Leave(String origin, String username, CloseReason reason, long wallMillis) {
            this(origin, username, reason, wallMillis, 0);
        }
    }

    /** The host of {@code origin} announces {@code text}. */
    record Announce(String origin, String text, long wallMillis) implements Command {
    }

    /** The host of {@code origin} mutes a member for {@code durationNanos}. */
    record Mute(String origin, String username, long durationNanos, long wallMillis) implements Command {
    }

    /**
     * The host of {@code origin} bans a name for {@code durationNanos}, and {@code address}'s group
     * (empty: none) — the address its member speaks from, if one is in the room.
     */
    record Ban(String origin, String username, byte[] address, long durationNanos, long wallMillis)
            implements Command {
    }

    /** The host of {@code origin} lifts the ban on a name and the address it banned. */
    record Unban(String origin, String username, long wallMillis) implements Command {
    }

    /** The host of {@code origin} lifts a member's mute. */
    record Unmute(String origin, String username, long wallMillis) implements Command {
    }

    /** A member of {@code origin} sends {@code text} privately to {@code recipient}, a member of another node. */
    record Private(String origin, String sender, long messageId, String recipient, String text, long wallMillis)
            implements Command {
    }

    /**
     * Every member served by {@code node} is gone: each leaves {@code TIMED_OUT}, in the order they
     * joined, its session held for {@code holdNanos} (0: not held).
     */
    record NodeLost(String origin, String node, long wallMillis, long holdNanos) implements Command {
        /** A loss whose members' sessions are not held. */
        public NodeLost(String origin, String node, long wallMillis) {
            this(origin, node, wallMillis, 0);
        }
    }

    @Override
    default byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(origin());
            if (this instanceof Join join) {
                out.writeByte(1);
                out.writeUTF(join.username());
                out.writeLong(join.connectionId());
                byte[] address = join.address().getAddress().getAddress();
                out.writeByte(address.length);
                out.write(address);
                out.writeShort(join.address().getPort());
                out.writeLong(join.wallMillis());
                Resume session = join.session();
                shortBytes(out, session.resumeId());
                shortBytes(out, session.resumeKey());
                shortBytes(out, session.resumedId());
                out.writeLong(session.resumedFloor());
                out.writeLong(session.lastProcessedId());
                out.writeLong(session.lastDelivered());
            } else if (this instanceof Say say) {
                out.writeByte(2);
                out.writeUTF(say.username());
                out.writeLong(say.messageId());
                byte[] text = say.text().getBytes(UTF_8);
                out.writeInt(text.length); // writeUTF stops at 64 KiB; a message may be up to 1 MiB
                out.write(text);
                out.writeLong(say.wallMillis());
            } else if (this instanceof Leave leave) {
                out.writeByte(3);
                out.writeUTF(leave.username());
                out.writeByte(leave.reason().code());
                out.writeLong(leave.wallMillis());
                out.writeLong(leave.holdNanos());
            } else if (this instanceof Announce announce) {
                out.writeByte(4);
                byte[] text = announce.text().getBytes(UTF_8);
                out.writeInt(text.length);
                out.write(text);
                out.writeLong(announce.wallMillis());
            } else if (this instanceof Mute mute) {
                out.writeByte(5);
                out.writeUTF(mute.username());
                out.writeLong(mute.durationNanos());
                out.writeLong(mute.wallMillis());
            } else if (this instanceof Unmute unmute) {
                out.writeByte(6);
                out.writeUTF(unmute.username());
                out.writeLong(unmute.wallMillis());
            } else if (this instanceof Private message) {
                out.writeByte(8);
                out.writeUTF(message.sender());
                out.writeLong(message.messageId());
                out.writeUTF(message.recipient());
                byte[] text = message.text().getBytes(UTF_8);
                out.writeInt(text.length);
                out.write(text);
                out.writeLong(message.wallMillis());
            } else if (this instanceof Ban ban) {
                out.writeByte(9);
                out.writeUTF(ban.username());
                shortBytes(out, ban.address());
                out.writeLong(ban.durationNanos());
                out.writeLong(ban.wallMillis());
            } else if (this instanceof Unban unban) {
                out.writeByte(10);
                out.writeUTF(unban.username());
                out.writeLong(unban.wallMillis());
            } else if (this instanceof NodeLost lost) {
                out.writeByte(7);
                out.writeUTF(lost.node());
                out.writeLong(lost.wallMillis());
                out.writeLong(lost.holdNanos());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * The command {@link #toBytes()} encoded. Every field that applying it relies on is checked
     * here, so that a command every node would fail to apply never enters the room's order: its
     * usernames follow the {@link Username} rule, its origin (and a lost node) is a node id of 1 to
     * {@value #MAX_NODE_ID_LENGTH} characters with no control characters, its durations are not
     * negative and a ban's address has 0, 4 or 16 bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a command of this {@link #VERSION}, or
     *                                  hold a field no node could apply
     */
    static Command decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readUnsignedByte() != VERSION) {
                throw new IllegalArgumentException("not a room command of version " + VERSION);
            }
            String origin = nodeId(in);
            Command command = switch (in.readUnsignedByte()) {
                case 1 -> new Join(origin, username(in), in.readLong(), address(in), in.readLong(),
                        new Resume(shortBytes(in), shortBytes(in), shortBytes(in), in.readLong(), in.readLong(),
                                in.readLong()));
                case 2 -> new Say(origin, username(in), in.readLong(), text(in, bytes.length), in.readLong());
                case 3 -> new Leave(origin, username(in), CloseReason.of(in.readUnsignedByte()), in.readLong(),
                        duration(in));
                case 4 -> new Announce(origin, text(in, bytes.length), in.readLong());
                case 5 -> new Mute(origin, username(in), duration(in), in.readLong());
                case 6 -> new Unmute(origin, username(in), in.readLong());
                case 7 -> new NodeLost(origin, nodeId(in), in.readLong(), duration(in));
                case 8 -> new Private(origin, username(in), in.readLong(), username(in), text(in, bytes.length),
                        in.readLong());
                case 9 -> new Ban(origin, username(in), banAddress(in), duration(in), in.readLong());
                case 10 -> new Unban(origin, username(in), in.readLong());
                default -> throw new IllegalArgumentException("unknown room command type");
            };
            if (in.available() > 0) {
                throw new IllegalArgumentException("bytes after the room command");
            }
            return command;
        } catch (IOException | MalformedPacketException e) {
            throw new IllegalArgumentException("not a room command: " + e.getMessage(), e);
        }
    }

    /** The longest node id a command may carry, in UTF-16 characters. */
    int MAX_NODE_ID_LENGTH = 64;

    /** A node id: 1 to {@link #MAX_NODE_ID_LENGTH} characters, none of them a control character. */
    private static String nodeId(DataInputStream in) throws IOException {
        String node = in.readUTF();
        if (node.isEmpty() || node.length() > MAX_NODE_ID_LENGTH || node.chars().anyMatch(Character::isISOControl)) {
            throw new IOException("a node id of " + node.length() + " characters that breaks the rule");
        }
        return node;
    }

    /** A username that follows the rule (the room compares and logs it as such). */
    private static String username(DataInputStream in) throws IOException {
        String name = in.readUTF();
        java.util.Optional<String> problem = Username.problem(name);
        if (problem.isPresent()) {
            throw new IOException("a username that breaks the rule: " + problem.get());
        }
        return name;
    }

    /** A duration in nanoseconds, not negative. */
    private static long duration(DataInputStream in) throws IOException {
        long nanos = in.readLong();
        if (nanos < 0) {
            throw new IOException("a duration of " + nanos + " ns");
        }
        return nanos;
    }

    /** A banned address group: none (0 bytes), IPv4 (4) or IPv6 (16). */
    private static byte[] banAddress(DataInputStream in) throws IOException {
        byte[] address = shortBytes(in);
        if (address.length != 0 && address.length != 4 && address.length != 16) {
            throw new IOException("a banned address of " + address.length + " bytes");
        }
        return address;
    }

    private static void shortBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeByte(bytes.length);
        out.write(bytes);
    }

    /** At most 255 bytes: an id or a key. */
    private static byte[] shortBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readUnsignedByte()];
        in.readFully(bytes);
        return bytes;
    }

    private static InetSocketAddress address(DataInputStream in) throws IOException {
        int length = in.readUnsignedByte();
        if (length != 4 && length != 16) {
            throw new IOException("an address of " + length + " bytes");
        }
        byte[] address = new byte[length];
        in.readFully(address);
        return new InetSocketAddress(InetAddress.getByAddress(address), in.readUnsignedShort());
    }

    private static String text(DataInputStream in, int available) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > available) {
            throw new IOException("a text of " + length + " bytes");
        }
        byte[] text = new byte[length];
        in.readFully(text);
        return new String(text, UTF_8);
    }
}
