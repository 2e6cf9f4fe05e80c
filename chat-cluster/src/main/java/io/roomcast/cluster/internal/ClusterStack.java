package io.roomcast.cluster.internal;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jgroups.JChannel;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.raft.ELECTION2;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.InMemoryLog;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.REDIRECT;
import org.jgroups.stack.Protocol;

/**
 * Builds a node's JGroups channel: the stack in code (see docs/cluster-backend.md for why each
 * protocol is there), or the user's full configuration with this node's Raft settings applied.
 */
public final class ClusterStack {
    /** How often the leader sends followers what they lack, and the commit index: 20 ms. */
    static final long RESEND_INTERVAL_MILLIS = 20;

    private ClusterStack() {
    }

    /**
     * Creates the channel (not yet connected).
     *
     * @param s            the node's settings
     * @param inMemoryName the unique name of the in-memory log (used without a data directory)
     * @return the channel
     * @throws Exception if JGroups refuses the configuration
     */
    public static JChannel create(NodeSettings s, String inMemoryName) throws Exception {
        JChannel channel;
        if (s.jgroupsXml() != null) {
            channel = new JChannel(new ByteArrayInputStream(s.jgroupsXml().getBytes(StandardCharsets.UTF_8)));
            if (channel.getProtocolStack().findProtocol(REDIRECT.class) == null) {
                channel.close();
                throw new IllegalArgumentException("the JGroups configuration has no REDIRECT (and RAFT) at its top");
            }
        } else {
            channel = new JChannel(protocols(s));
            channel.getProtocolStack().getTransport().getDiagnosticsHandler().setEnabled(false);
            AUTH auth = channel.getProtocolStack().findProtocol(AUTH.class);
            JChannel ch = channel;
            ((SecretToken) auth.getAuthToken()).localAddress(ch::getAddress);
        }
        RAFT raft = channel.getProtocolStack().findProtocol(RAFT.class);
        if (raft == null) {
            channel.close();
            throw new IllegalArgumentException("the JGroups configuration has no RAFT");
        }
        List<String> members = new ArrayList<>(s.peers().keySet());
        members.add(s.nodeId());
        raft.raftId(s.nodeId()).members(members).maxLogSize(s.maxLogSize());
        if (s.dataDirectory() != null) {
            raft.logClass(FileBasedLog.class.getName()).logDir(s.dataDirectory().toString()).logPrefix(s.nodeId());
        } else {
            raft.logClass(InMemoryLog.class.getName()).logPrefix(inMemoryName);
        }
        channel.name(s.nodeId());
        return channel;
    }

    private static List<Protocol> protocols(NodeSettings s) {
        long fd = s.failureDetection().toMillis();
        ClusterKeys keys = ClusterKeys.derive(s.secret(), s.clusterName());
        List<InetSocketAddress> initialHosts = new ArrayList<>();
        for (Map.Entry<String, InetSocketAddress> peer : s.peers().entrySet()) {
            if (peer.getValue() != null) {
                initialHosts.add(peer.getValue());
            }
        }
        TCP tcp = new TCP();
        tcp.setBindAddr(s.bind().getAddress());
        tcp.setBindPort(s.bind().getPort());
        tcp.setPortRange(0);
        TCPPING ping = new PeerDiscovery();
        ping.setInitialHosts(initialHosts);
        ping.setPortRange(0);
        ping.returnEntireCache(true);
        List<Protocol> stack = new ArrayList<>();
        stack.add(tcp);
        stack.add(ping);
        stack.add(new MERGE3().setMinInterval(Math.max(500, fd / 2)).setMaxInterval(Math.max(1000, fd)));
        stack.add(new FD_ALL3().setTimeout(fd).setInterval(Math.max(100, fd / 5)));
        stack.add(new VERIFY_SUSPECT2().setTimeout(Math.max(200, fd / 4)));
        SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
        encrypt.symAlgorithm("AES/CBC/PKCS5Padding");
        encrypt.symIvLength(16);
        encrypt.symKeylength(256);
        encrypt.setSecretKey(keys.encryptionKey());
        stack.add(encrypt);
        stack.add(new NAKACK2());
        stack.add(new UNICAST3());
        stack.add(new STABLE());
        stack.add(new AUTH().setAuthToken(new SecretToken(keys)));
        GMS gms = new GMS();
        gms.setJoinTimeout(Math.max(500, Math.min(2000, fd / 2)));
        gms.printLocalAddress(false); // JGroups prints it to System.out otherwise
        stack.add(gms);
        stack.add(new UFC());
        stack.add(new MFC());
        stack.add(new FRAG4());
        stack.add(new ELECTION2());
        // a follower learns that an entry committed (and a member there sees the message) with the
        // leader's next append or resend: the resend interval is the latency a message to members of
        // followers gains. 20 ms (50 small messages a second to each follower) keeps it near the
        // commit round trip; 200 ms had every such message wait 200 ms (BENCHMARKS.md). (RAFT's
        // send_commits_immediately would remove it, at the cost of a storm of commit messages.)
        stack.add(new RAFT().resendInterval(RESEND_INTERVAL_MILLIS));
        stack.add(new REDIRECT());
        return stack;
    }
}
