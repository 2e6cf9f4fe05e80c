package io.roomcast.gateway.classic;

import io.roomcast.LeaveReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway says to a classic client, in its language, and how a line becomes datagrams.
 * The protocol's own answers ({@code PASSWORD OK} and the rest) are the same in every language;
 * the join and leave lines are the original server's words ({@code bergabung ke chatroom.}), or
 * English ones. Lines carry no line ending, as the original's did: one line, one datagram, UTF-8.
 * Immutable.
 */
final class ClassicLines {
    /** The most bytes in one datagram to a classic client: the original client reads 1024. */
    static final int MAX_DATAGRAM_BYTES = 1024;

    static final String PASSWORD_OK = "PASSWORD OK";
    static final String PASSWORD_INCORRECT = "PASSWORD INCORRECT";
    static final String USERNAME_OK = "USERNAME OK";
    static final String USERNAME_TAKEN = "USERNAME TAKEN";

    private final boolean english;

    ClassicLines(ClassicGateway.Language language) {
        this.english = language == ClassicGateway.Language.ENGLISH;
    }

    /** A room message, the sender's own included, as the original forwarded it: {@code <sender>: <text>}. */
    String message(String sender, String text) {
        return printable(sender) + ": " + printable(text);
    }

    String joined(String name) {
        return printable(name) + (english ? " joined the chatroom." : " bergabung ke chatroom.");
    }

    String left(String name) {
        return printable(name) + (english ? " left the chatroom." : " telah keluar dari chatroom.");
    }

    String privateMessage(String sender, String text) {
        return (english ? "[private] " : "[pribadi] ") + printable(sender) + ": " + printable(text);
    }

    String announcement(String text) {
        return (english ? "[announcement] " : "[pengumuman] ") + printable(text);
    }

    /** Why this client is no longer in the room, for every reason but its own {@code exit}. */
    String removed(LeaveReason reason) {
        return switch (reason) {
            case KICKED -> english ? "You were kicked out of the chatroom by the host."
                    : "Anda dikeluarkan dari chatroom oleh host.";
            case BANNED -> english ? "You were banned from the chatroom by the host."
                    : "Anda diblokir dari chatroom oleh host.";
            case SERVER_CLOSED -> english ? "The chatroom has closed." : "Chatroom telah ditutup.";
            default -> english ? "The connection to the chatroom was lost."
                    : "Koneksi ke chatroom terputus.";
        };
    }

    /** The gateway left the room for a client it heard nothing from for the idle timeout. */
    String leftForSilence() {
        return english ? "You left the chatroom: nothing was heard from you for too long."
                : "Anda keluar dari chatroom: terlalu lama tidak ada pesan dari Anda.";
    }

    /** A message of this client's that did not reach the room, and why ({@code why} from the server or the gateway). */
    String notSent(String why) {
        return (english ? "Message not sent: " : "Pesan tidak terkirim: ") + printable(why);
    }

    /** A chat line whose prefix is not this client's own name. */
    String wrongPrefix(String name) {
        return notSent(english ? "start it with \"" + name + ": \"" : "awali dengan \"" + name + ": \"");
    }

    /** A join that failed for another reason than the password or the name. */
    String cannotJoin(String why) {
        return (english ? "Cannot join the chatroom: " : "Tidak dapat bergabung ke chatroom: ") + printable(why);
    }

    /** The gateway refuses password tries for a while, so the room does not refuse the gateway. */
    String tooManyWrongPasswords() {
        return english ? "Too many wrong passwords through this gateway; try again in a few seconds."
                : "Terlalu banyak password salah lewat gateway ini; coba lagi beberapa detik lagi.";
    }

    /**
     * Text from the room as it may be shown on a terminal: every control character (ESC, CR, LF
     * and the rest of C0 and C1) and every bidirectional override or isolate becomes U+FFFD, so a
     * member can neither drive the classic client's terminal nor start a line that looks like
     * another member's or the gateway's.
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = Character.isISOControl(c) || (c >= '\u202A' && c <= '\u202E')
                    || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F' || c == '\u061C';
            if (unsafe && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(unsafe ? '\uFFFD' : c);
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * A line as UTF-8 datagrams of at most {@link #MAX_DATAGRAM_BYTES} each, split between
     * characters (never inside one, never between the halves of a surrogate pair). A lone
     * surrogate is encoded as {@code ?}.
     */
    static List<byte[]> datagrams(String line) {
        byte[] all = line.getBytes(StandardCharsets.UTF_8);
        if (all.length <= MAX_DATAGRAM_BYTES) {
            return List.of(all);
        }
        List<byte[]> parts = new ArrayList<>(all.length / MAX_DATAGRAM_BYTES + 1);
        int start = 0;
        while (start < all.length) {
            int end = Math.min(start + MAX_DATAGRAM_BYTES, all.length);
            while (end < all.length && (all[end] & 0xC0) == 0x80) {
                end--; // back off a continuation byte: the split falls before the character it belongs to
            }
            byte[] part = new byte[end - start];
            System.arraycopy(all, start, part, 0, part.length);
            parts.add(part);
            start = end;
        }
        return parts;
    }
}
