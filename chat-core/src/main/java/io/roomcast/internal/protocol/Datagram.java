package io.roomcast.internal.protocol;

import java.net.InetSocketAddress;

/**
 * An encoded datagram waiting to be sent.
 *
 * @param destination where it goes
 * @param bytes       its bytes, owned by this record
 */
record Datagram(InetSocketAddress destination, byte[] bytes) {
}
