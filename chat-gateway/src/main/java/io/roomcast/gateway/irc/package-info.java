/**
 * The IRC gateway: IRC clients (RFC 1459/2812, as the Modern IRC Client Protocol describes them)
 * join a Roomcast room as one channel, each connection one {@code ChatClient}.
 */
package io.roomcast.gateway.irc;
