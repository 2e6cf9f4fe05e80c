package io.roomcast.cluster.internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;
import org.jgroups.util.UUID;

/**
 * JGroups AUTH token for the cluster secret: a joiner shows an HMAC of its own address (see
 * {@link ClusterKeys#joinToken}); the coordinator recomputes it for the message's sender. The
 * secret itself never leaves the node.
 *
 * <p>JGroups creates the instances it reads from the wire with the no-argument constructor
 * (they only carry the received bytes); the instance given to AUTH holds the keys.
 */
public final class SecretToken extends AuthToken {
    private static final int MAX_TOKEN_BYTES = 64;

    private final ClusterKeys keys;
    private volatile Supplier<Address> localAddress = () -> null;
    private byte[] received;

    /** For JGroups, which reads tokens from the wire into instances it creates. */
    public SecretToken() {
        this.keys = null;
    }

    /**
     * The local token.
     *
     * @param keys the cluster's keys
     */
    public SecretToken(ClusterKeys keys) {
        this.keys = keys;
    }

    /**
     * Where the local token finds this node's address when it is written (AUTH may not know it).
     *
     * @param source the channel's address, null until connected
     */
    public void localAddress(Supplier<Address> source) {
        this.localAddress = source;
    }

    @Override
    public String getName() {
        return SecretToken.class.getName();
    }

    @Override
    public int size() {
        return 1 + (keys != null ? 32 : received == null ? 0 : received.length);
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        if (keys == null || !(token instanceof SecretToken) || msg.src() == null) {
            return false;
        }
        return ClusterKeys.matches(keys.joinToken(text(msg.src())), ((SecretToken) token).presented());
    }

    /** What this token shows: the bytes read from the wire, or (a message looped back locally, never serialized) its own. */
    private byte[] presented() {
        if (received != null || keys == null) {
            return received;
        }
        Address local = localAddress.get();
        if (local == null && auth != null) {
            local = auth.getAddress();
        }
        return local == null ? null : keys.joinToken(text(local));
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        byte[] token = presented();
        if (token == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(token.length);
        out.write(token);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        int length = in.readUnsignedByte();
        if (length > MAX_TOKEN_BYTES) {
            throw new IOException("token too long: " + length);
        }
        received = new byte[length];
        in.readFully(received);
    }

    private static String text(Address address) {
        return address instanceof UUID ? ((UUID) address).toStringLong() : address.toString();
    }
}
