/**
 * Gateways into a Roomcast room for clients that do not speak Roomcast: IRC clients
 * ({@code io.roomcast.gateway.irc}) and the original classroom UDP clients
 * ({@code io.roomcast.gateway.classic}). Built on chat-core's public API only: each connected
 * user becomes one {@code ChatClient}.
 */
module io.roomcast.gateway {
    exports io.roomcast.gateway.irc;
    exports io.roomcast.gateway.classic;

    requires transitive io.roomcast.core;
    requires org.slf4j;
}
