package io.roomcast.internal.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for one direction of one connection: the nonce is the IV xor the packet number
 * (so a packet number, never reused, never repeats a nonce) and the header is associated data,
 * so neither payload nor header can be changed unnoticed. Not thread-safe: one per direction,
 * used by the connection's thread.
 */
public final class PacketProtector {
    /** Bytes of key. */
    public static final int KEY_BYTES = 32;
    /** Bytes of IV (and nonce). */
    public static final int IV_BYTES = 12;
    /** Bytes the tag adds to every sealed payload. */
    public static final int TAG_BYTES = 16;

    private final SecretKeySpec key;
    private final byte[] iv;
    private final byte[] nonce = new byte[IV_BYTES];
    private final Cipher cipher;

    /** A protector with this key and IV. */
    public PacketProtector(byte[] key, byte[] iv) {
        if (key.length != KEY_BYTES || iv.length != IV_BYTES) {
            throw new IllegalArgumentException("key " + key.length + " bytes, iv " + iv.length + " bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
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
     */
    public void seal(long packetNumber, ByteBuffer packet, int headerStart, int payloadStart) {
        int end = packet.position();
        ByteBuffer header = packet.duplicate().position(headerStart).limit(payloadStart);
        ByteBuffer plaintext = copy(packet, payloadStart, end);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(packetNumber)));
            cipher.updateAAD(header);
            packet.position(payloadStart);
            cipher.doFinal(plaintext, packet);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal", e);
        }
    }

    /**
     * Opens a sealed payload.
     *
     * @param header  the header, as received (associated data)
     * @param sealed  ciphertext and tag
     * @return the plaintext, or {@code null} if the packet is forged, damaged or for another key
     */
    public ByteBuffer open(long packetNumber, ByteBuffer header, ByteBuffer sealed) {
        if (sealed.remaining() < TAG_BYTES) {
            return null;
        }
        ByteBuffer plaintext = ByteBuffer.allocate(sealed.remaining() - TAG_BYTES);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(packetNumber)));
            cipher.updateAAD(header.duplicate());
            cipher.doFinal(sealed.duplicate(), plaintext);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to open", e);
        }
        return plaintext.flip();
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

    private byte[] nonce(long packetNumber) {
        System.arraycopy(iv, 0, nonce, 0, IV_BYTES);
        for (int i = 0; i < 8; i++) {
            nonce[IV_BYTES - 1 - i] ^= (byte) (packetNumber >>> (8 * i));
        }
        return nonce.clone();
    }

    private static ByteBuffer copy(ByteBuffer packet, int from, int to) {
        byte[] bytes = new byte[to - from];
        packet.duplicate().position(from).limit(to).get(bytes);
        return ByteBuffer.wrap(bytes);
    }
}
