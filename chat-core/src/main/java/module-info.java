/**
 * Roomcast: an embeddable, password-protected chat room over UDP.
 *
 * <p>{@code io.roomcast} (the API) and {@code io.roomcast.spi} (the room backend SPI) are
 * exported; everything under {@code io.roomcast.internal} may
 * change in any release.
 */
module io.roomcast.core {
    exports io.roomcast;
    exports io.roomcast.spi;

    requires org.slf4j;
}
