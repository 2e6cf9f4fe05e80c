package io.roomcast.cluster.internal;

import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.TCPPING;

/**
 * TCPPING that declares itself dynamic, so that the TCP transport accepts port 0: the initial
 * hosts are the peers whose addresses are known, and every node that contacts this one (a
 * discovery request carries the sender's address) is added to the cache, so nodes that bind
 * ephemeral ports find each other as long as each later node knows one earlier node.
 * (Plain TCPPING is static: JGroups refuses a TCP bind port of 0 with it. TCPPING still logs a
 * warning about port 0 at start, under this class's logger name.)
 */
public final class PeerDiscovery extends TCPPING {
    /** Uses TCPPING's protocol id, so its headers are TCPPING's. */
    public PeerDiscovery() {
        setId(ClassConfigurator.getProtocolId(TCPPING.class));
    }

    @Override
    public boolean isDynamic() {
        return true;
    }
}
