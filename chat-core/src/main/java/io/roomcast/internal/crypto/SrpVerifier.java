package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Random;

/**
 * What a server keeps instead of the password: the salt and the verifier {@code v = g^x}.
 *
 * @param identity the SRP identity (Roomcast uses the room name)
 * @param salt     random salt
 * @param v        the verifier
 */
public record SrpVerifier(String identity, byte[] salt, BigInteger v) {
    /** Salt length in bytes. */
    public static final int SALT_BYTES = 16;

    /** A verifier for {@code password} with a fresh random salt. */
    public static SrpVerifier create(SrpGroup group, String identity, String password, Random random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new SrpVerifier(identity, salt, Srp6a.verifier(group, Srp6a.x(group, salt, identity, password)));
    }

    /** A verifier with a salt from a new {@link SecureRandom}. */
    public static SrpVerifier create(SrpGroup group, String identity, String password) {
        return create(group, identity, password, new SecureRandom());
    }

    /** The salt (a copy). */
    @Override
    public byte[] salt() {
        return salt.clone();
    }
}
