/**
 * Roomcast's public API: host a password-protected chat room with {@link io.roomcast.ChatServer},
 * join one with {@link io.roomcast.ChatClient}, and react to {@link io.roomcast.ChatServerListener}
 * and {@link io.roomcast.ChatClientListener} callbacks.
 *
 * <p>Null policy, for every type in this package: a {@code null} argument throws
 * {@link java.lang.NullPointerException} unless a parameter says otherwise, and listeners never
 * receive {@code null}.
 */
package io.roomcast;
