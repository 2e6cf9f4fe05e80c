package io.roomcast.examples.load;

/**
 * The text of one load message: a fixed header of {@value #HEADER_BYTES} ASCII hex digits —
 * the run's id (8), the sender's index (4), its sequence number (10), and when it was sent (10),
 * in microseconds since the run began — then dots up to the payload size. Hex keeps it ASCII, so
 * characters are bytes, and legible in a room's log; the run's id tells this run's messages
 * from anyone else's in a remote room.
 *
 * @param sender     the sender's index among the run's senders
 * @param sequence   the sender's own sequence number: 0, 1, 2, ...
 * @param sentMicros when it was sent, microseconds since the run's origin
 */
record LoadMessage(int sender, long sequence, long sentMicros) {
    /** The smallest payload: the header alone. */
    static final int HEADER_BYTES = 32;
    /** The most senders a header can name. */
    static final int MAX_SENDERS = 0xFFFF;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * The text for this message in run {@code runId}, {@code payload} bytes long.
     *
     * @param payload at least {@link #HEADER_BYTES}
     */
    String text(int runId, int payload) {
        char[] text = new char[payload];
        hex(text, 0, runId & 0xFFFF_FFFFL, 8);
        hex(text, 8, sender, 4);
        hex(text, 12, sequence, 10);
        hex(text, 22, sentMicros, 10);
        for (int i = HEADER_BYTES; i < payload; i++) {
            text[i] = '.';
        }
        return new String(text);
    }

    /** The message {@code text} holds if it is one of run {@code runId}'s; {@code null} otherwise. */
    static LoadMessage parse(String text, int runId) {
        if (text.length() < HEADER_BYTES || unhex(text, 0, 8) != (runId & 0xFFFF_FFFFL)) {
            return null;
        }
        long sender = unhex(text, 8, 4);
        long sequence = unhex(text, 12, 10);
        long sent = unhex(text, 22, 10);
        return sender < 0 || sequence < 0 || sent < 0 ? null : new LoadMessage((int) sender, sequence, sent);
    }

    private static void hex(char[] into, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            into[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    /** The hex number at {@code text[at, at + digits)}, or -1 if it is not one. */
    private static long unhex(String text, int at, int digits) {
        long value = 0;
        for (int i = at; i < at + digits; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }
}
