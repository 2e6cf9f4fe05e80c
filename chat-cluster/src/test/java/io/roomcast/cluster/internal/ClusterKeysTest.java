package io.roomcast.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClusterKeysTest {
    private static final byte[] SECRET = "sixteen bytes at least".getBytes(StandardCharsets.UTF_8);

    @Test
    void theSameSecretAndClusterGiveTheSameKeys() {
        ClusterKeys one = ClusterKeys.derive(SECRET, "roomcast");
        ClusterKeys two = ClusterKeys.derive(SECRET.clone(), "roomcast");
        assertThat(one.encryptionKey().getEncoded()).isEqualTo(two.encryptionKey().getEncoded()).hasSize(32);
        assertThat(one.joinToken("node-1")).isEqualTo(two.joinToken("node-1"));
    }

    @Test
    void keysDependOnSecretClusterAndAddress() {
        ClusterKeys keys = ClusterKeys.derive(SECRET, "roomcast");
        ClusterKeys otherSecret = ClusterKeys.derive("another secret, 16+".getBytes(StandardCharsets.UTF_8), "roomcast");
        ClusterKeys otherCluster = ClusterKeys.derive(SECRET, "other");
        assertThat(keys.encryptionKey().getEncoded()).isNotEqualTo(otherSecret.encryptionKey().getEncoded())
                .isNotEqualTo(otherCluster.encryptionKey().getEncoded());
        assertThat(keys.joinToken("x")).isNotEqualTo(otherSecret.joinToken("x")).isNotEqualTo(keys.joinToken("y"));
        assertThat(keys.joinToken("x")).as("the token is not the encryption key")
                .isNotEqualTo(keys.encryptionKey().getEncoded());
        assertThat(ClusterKeys.matches(keys.joinToken("x"), keys.joinToken("x"))).isTrue();
        assertThat(ClusterKeys.matches(keys.joinToken("x"), null)).isFalse();
    }
}
