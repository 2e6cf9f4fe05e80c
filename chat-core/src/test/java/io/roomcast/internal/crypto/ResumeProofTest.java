package io.roomcast.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ResumeProofTest {

    private static byte[] bytes(int value, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void bothEndsDeriveTheSameResumeKeyAndItDiffersPerConnection() {
        byte[] client = SessionKeys.derive(bytes(9, 32), bytes(1, 16), bytes(2, 16)).takeResumeKey();
        byte[] server = SessionKeys.derive(bytes(9, 32), bytes(1, 16), bytes(2, 16)).takeResumeKey();
        byte[] other = SessionKeys.derive(bytes(9, 32), bytes(1, 16), bytes(3, 16)).takeResumeKey();

        assertThat(client).isEqualTo(server).hasSize(SessionKeys.RESUME_KEY_BYTES).isNotEqualTo(new byte[32]);
        assertThat(other).isNotEqualTo(client);
    }

    @Test
    void theResumeKeyIsTakenOnceAndWipedWithTheKeys() {
        SessionKeys keys = SessionKeys.derive(bytes(9, 32), bytes(1, 16), bytes(2, 16));
        byte[] taken = keys.takeResumeKey();

        assertThat(taken).isNotEqualTo(new byte[32]);
        assertThat(keys.takeResumeKey()).isEqualTo(new byte[32]);
        keys.destroy();
        assertThatThrownBy(keys::takeResumeKey).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aProofChecksOnlyWithItsKeyAndItsHandshake() {
        byte[] key = bytes(4, 32);
        byte[] m1 = bytes(5, 32);
        byte[] id = bytes(8, 16);
        byte[] proof = ResumeProof.make(key, m1, id, 41);

        assertThat(proof).hasSize(ResumeProof.BYTES);
        assertThat(ResumeProof.verify(key, m1, id, 41, proof)).isTrue();
        assertThat(ResumeProof.verify(bytes(6, 32), m1, id, 41, proof)).as("another session's key").isFalse();
        assertThat(ResumeProof.verify(key, bytes(7, 32), id, 41, proof)).as("another handshake's M1").isFalse();
        assertThat(ResumeProof.verify(key, m1, id, 41, Arrays.copyOf(proof, 31))).as("truncated").isFalse();
        assertThat(ResumeProof.verify(key, m1, id, 41, new byte[0])).as("empty").isFalse();
    }

    @Test
    void aProofDoesNotVerifyForAnotherDeliveredPositionOrResumeId() {
        byte[] key = bytes(4, 32);
        byte[] m1 = bytes(5, 32);
        byte[] id = bytes(8, 16);
        byte[] proof = ResumeProof.make(key, m1, id, 41);

        assertThat(ResumeProof.verify(key, m1, id, 57, proof)).as("a later lastDelivered").isFalse();
        assertThat(ResumeProof.verify(key, m1, id, 40, proof)).as("an earlier lastDelivered").isFalse();
        assertThat(ResumeProof.verify(key, m1, bytes(9, 16), 41, proof)).as("another resume id").isFalse();
        assertThat(ResumeProof.verify(key, m1, new byte[0], 41, proof)).as("no resume id").isFalse();
    }
}
