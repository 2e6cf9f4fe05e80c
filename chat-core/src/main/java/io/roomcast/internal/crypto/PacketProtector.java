package io.roomcast.internal.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for one direction of one connection: the nonce is the IV xor the packet number
 * (so a packet number, never reused, never repeats a nonce) and the header is associated data,
 * so neither payload nor header can be changed unnoticed. Not thread-safe: one per direction,
 * used by the connection's thread.
 *
 * <p>{@link #destroy()} wipes the key and IV when the connection is over; see there for what the
 * JDK lets it reach.
 */
public final class PacketProtector {
    /** Bytes of key. */
    public static final int KEY_BYTES = 32;
    /** Bytes of IV (and nonce). */
    public static final int IV_BYTES = 12;
    /** Bytes the tag adds to every sealed payload. */
    public static final int TAG_BYTES = 16;

    private final WipeableKey key;
    private final byte[] iv;
    private final byte[] nonce = new byte[IV_BYTES];
    private final Cipher cipher;
    /**
     * Scratch space reused for every packet, so sealing and opening allocate nothing of ours.
     * One per thread, not one per protector: a server holds three protectors per member, and
     * the few kilobytes of scratch would otherwise triple what an idle member costs.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        byte[] associatedData = new byte[64];
        byte[] input = new byte[1280];
        byte[] output = new byte[1280];
        ByteBuffer opened = ByteBuffer.wrap(output);

        /** Grows the arrays for an unusually large packet (the WELCOME may be one). */
        Scratch ensureCapacity(int associatedBytes, int payloadBytes) {
            if (associatedData.length < associatedBytes) {
                associatedData = new byte[associatedBytes];
            }
            if (input.length < payloadBytes) {
                input = new byte[payloadBytes];
                output = new byte[payloadBytes];
                opened = ByteBuffer.wrap(output);
            }
            return this;
        }
    }

    /** A protector with its own copies of this key and IV: the caller wipes its arrays. */
    public PacketProtector(byte[] key, byte[] iv) {
        if (key.length != KEY_BYTES || iv.length != IV_BYTES) {
            throw new IllegalArgumentException("key " + key.length + " bytes, iv " + iv.length + " bytes");
        }
        this.key = new WipeableKey(key, "AES");
        this.iv = iv.clone();
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES/GCM", e);
        }
    }

    /**
     * Seals, in place, the payload that follows a header in {@code packet}: bytes
     * {@code payloadStart} to {@code packet.position()} become ciphertext and tag; the
     * position moves past the tag. Bytes {@code headerStart} to {@code payloadStart} are
     * authenticated as they are, so the header must be final (its length field included).
     *
     * @throws IllegalStateException if the protector was {@link #destroy destroyed}
     */
    public void seal(long packetNumber, ByteBuffer packet, int headerStart, int payloadStart) {
        requireKey();
        int headerLength = payloadStart - headerStart;
        int length = packet.position() - payloadStart;
        Scratch scratch = SCRATCH.get().ensureCapacity(headerLength, length + TAG_BYTES);
        packet.get(headerStart, scratch.associatedData, 0, headerLength);
        packet.get(payloadStart, scratch.input, 0, length);
        int sealed;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(packetNumber)));
            cipher.updateAAD(scratch.associatedData, 0, headerLength);
            sealed = cipher.doFinal(scratch.input, 0, length, scratch.output, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal", e);
        }
        packet.put(payloadStart, scratch.output, 0, sealed);
        packet.position(payloadStart + sealed);
    }

    /**
     * Opens a sealed payload.
     *
     * @param header  the header, as received (associated data)
     * @param sealed  ciphertext and tag
     * @return the plaintext, or {@code null} if the packet is forged, damaged or for another key;
     *         the buffer is the calling thread's scratch and valid only until the thread's next
     *         seal or open, so decode it (decoding copies what it keeps) before anything else
     * @throws IllegalStateException if the protector was {@link #destroy destroyed}
     */
    public ByteBuffer open(long packetNumber, ByteBuffer header, ByteBuffer sealed) {
        requireKey();
        int length = sealed.remaining();
        if (length < TAG_BYTES) {
            return null;
        }
        int headerLength = header.remaining();
        Scratch scratch = SCRATCH.get().ensureCapacity(headerLength, length);
        header.get(header.position(), scratch.associatedData, 0, headerLength);
        sealed.get(sealed.position(), scratch.input, 0, length);
        int plain;
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(packetNumber)));
            cipher.updateAAD(scratch.associatedData, 0, headerLength);
            plain = cipher.doFinal(scratch.input, 0, length, scratch.output, 0);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to open", e);
        }
        return scratch.opened.clear().limit(plain);
    }

    /** Seals a whole message on its own (no header), with {@code sequence} as the packet number. */
    public byte[] seal(long sequence, byte[] associatedData, byte[] plaintext) {
        ByteBuffer out = ByteBuffer.allocate(associatedData.length + plaintext.length + TAG_BYTES);
        out.put(associatedData).put(plaintext);
        seal(sequence, out, 0, associatedData.length);
        byte[] sealed = new byte[plaintext.length + TAG_BYTES];
        out.position(associatedData.length).get(sealed);
        return sealed;
    }

    /**
     * Wipes the key and the IV, for good: this protector's own arrays are zeroed, and its cipher is
     * initialised once more with an all-zero key, which makes JDK 17's SunJCE zero what it kept of
     * the real one (its copy of the key and the expanded round keys). What the JDK copied elsewhere
     * meanwhile is out of reach. Afterwards {@link #seal} and {@link #open} throw
     * {@link IllegalStateException}. Idempotent.
     */
    public void destroy() {
        if (key.isDestroyed()) {
            return;
        }
        key.destroy();
        Arrays.fill(iv, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[KEY_BYTES], "AES"),
                    new GCMParameterSpec(TAG_BYTES * 8, new byte[IV_BYTES]));
        } catch (GeneralSecurityException e) {
            // refused only as a repeat of the last key and nonce, both all zero then: nothing secret to overwrite
        }
    }

    /** {@code true} once {@link #destroy()} has run. */
    public boolean isDestroyed() {
        return key.isDestroyed();
    }

    /** The arrays holding the key and the IV themselves, not copies: for tests that check they are wiped. */
    byte[][] secretArrays() {
        return new byte[][] {key.array(), iv};
    }

    private void requireKey() {
        if (key.isDestroyed()) {
            throw new IllegalStateException("the packet keys were destroyed: the connection is over");
        }
    }

    /** The nonce for a packet number, in a reused array: {@link GCMParameterSpec} copies it. */
    private byte[] nonce(long packetNumber) {
        System.arraycopy(iv, 0, nonce, 0, IV_BYTES);
        for (int i = 0; i < 8; i++) {
            nonce[IV_BYTES - 1 - i] ^= (byte) (packetNumber >>> (8 * i));
        }
        return nonce;
    }
}
