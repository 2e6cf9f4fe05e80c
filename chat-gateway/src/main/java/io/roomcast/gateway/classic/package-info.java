/**
 * The classic gateway: the original classroom UDP clients (plain-text {@code PASSWORD},
 * {@code USERNAME}, {@code name: text}, {@code exit}) join a Roomcast room, each client one
 * {@code ChatClient}.
 */
package io.roomcast.gateway.classic;
