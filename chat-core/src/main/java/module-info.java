/**
 * Roomcast: an embeddable, password-protected chat room over UDP.
 *
 * <p>Only {@code io.roomcast} is exported; everything under {@code io.roomcast.internal} may
 * change in any release.
 */
module io.roomcast.core {
    exports io.roomcast;

    requires org.slf4j;
}
