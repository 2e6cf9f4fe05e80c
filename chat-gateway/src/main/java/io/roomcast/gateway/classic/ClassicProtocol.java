package io.roomcast.gateway.classic;

import io.roomcast.AuthenticationException;
import io.roomcast.ChatClient;
import io.roomcast.ChatException;
import io.roomcast.InvalidUsernameException;
import io.roomcast.MessageRefusedException;
import io.roomcast.UsernameTakenException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each datagram from a classic client means, as the original server read it, and the
 * answer. Before joining: {@code PASSWORD <pw>}, {@code USERNAME <name>}, {@code exit}; after:
 * {@code <name>: <text>} and {@code exit}. A datagram from an address the gateway does not know
 * gets an answer only if it is {@code PASSWORD} or {@code USERNAME} (then it opens a session,
 * within the bounds); anything else from a stranger, and anything that is not UTF-8 or is
 * larger than {@link ClassicEndpoint#MAX_INBOUND_BYTES} before joining, gets nothing. Runs on
 * the receive thread only (the decoder is not thread-safe); joins run on the endpoint's join threads.
 */
final class ClassicProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicProtocol.class);
    private static final String PASSWORD = "PASSWORD ";
    private static final String USERNAME = "USERNAME ";

    private final ClassicEndpoint endpoint;
    private final ClassicLines lines;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    ClassicProtocol(ClassicEndpoint endpoint, ClassicLines lines) {
        this.endpoint = endpoint;
        this.lines = lines;
    }

    void handle(InetSocketAddress source, ByteBuffer datagram, long nowNanos) {
        boolean oversized = datagram.remaining() > ClassicEndpoint.MAX_INBOUND_BYTES;
        String text = oversized ? null : decode(datagram);
        ClassicSession session = endpoint.session(source);
        if (session == null) {
            if (text == null || !(text.startsWith(PASSWORD) || text.startsWith(USERNAME))) {
                return; // strangers get nothing: no state, no reflection
            }
            session = endpoint.open(source, nowNanos);
            if (session == null) {
                return;
            }
        }
        if (!session.heard(nowNanos)) {
            return; // a flood: past the client's datagram rate
        }
        ClassicSession.State state = session.state();
        if (state == ClassicSession.State.JOINED) {
            if (text == null) {
                session.reply(lines.notSent(oversized ? "longer than " + ClassicEndpoint.MAX_INBOUND_BYTES + " bytes"
                        : "not UTF-8 text"));
            } else {
                joined(session, text);
            }
        } else if (state == ClassicSession.State.AWAITING_NAME && text != null) {
            awaitingName(session, text, nowNanos);
        } // joining: the client waits for the answer; closed: forgotten
    }

    private void awaitingName(ClassicSession session, String text, long nowNanos) {
        if (isExit(text)) {
            endpoint.forget(session);
            return;
        }
        boolean password = text.startsWith(PASSWORD);
        if (!password && !text.startsWith(USERNAME)) {
            return; // the original ignored anything else before joining
        }
        if (!session.countCommand()) {
            LOG.debug("classic gateway: {} sent too many commands without joining: forgotten", session.address);
            endpoint.forget(session);
            return;
        }
        if (!endpoint.wrongPasswords().mayTry(nowNanos)) {
            session.reply(lines.tooManyWrongPasswords());
            return;
        }
        if (password) {
            // Taken now, checked by the join at USERNAME: docs/gateway-classic.md says why ("What PASSWORD OK means").
            session.password(withoutLineEnd(text.substring(PASSWORD.length())));
            session.reply(ClassicLines.PASSWORD_OK);
            return;
        }
        if (session.passwordRefused()) {
            session.reply(ClassicLines.PASSWORD_INCORRECT); // not tried again: it would only spend the gateway's guesses
            return;
        }
        String name = withoutLineEnd(text.substring(USERNAME.length())).strip();
        String problem = nameProblem(name);
        if (problem != null) {
            LOG.info("classic gateway: {} asked for the username \"{}\", which the room's rule refuses ({});"
                    + " answered USERNAME TAKEN", session.address, ClassicLines.printable(name), ClassicLines.printable(problem));
            session.reply(ClassicLines.USERNAME_TAKEN);
            return;
        }
        if (!endpoint.hasRoomForAnotherMember()) {
            session.reply(lines.cannotJoin("the gateway is full"));
            return;
        }
        String roomPassword = session.startJoining(name);
        if (roomPassword != null) {
            endpoint.join(session, () -> join(session, name, roomPassword));
        }
    }

    /** On a worker: joins the room as {@code name} and answers the client. */
    private void join(ClassicSession session, String name, String password) {
        if (!endpoint.wrongPasswords().mayTry(System.nanoTime())) {
            session.joinFailed(false, lines.tooManyWrongPasswords());
            return;
        }
        ChatClient client = ChatClient.builder().server(endpoint.settings().room()).username(name).password(password)
                .listener(new ClassicRoomListener(session, lines, endpoint::forget)).build();
        if (!session.joiningWith(client)) {
            return; // closed meanwhile
        }
        try {
            client.connect();
        } catch (AuthenticationException e) {
            endpoint.wrongPasswords().failed(System.nanoTime());
            session.joinFailed(true, ClassicLines.PASSWORD_INCORRECT);
            return;
        } catch (UsernameTakenException e) {
            session.joinFailed(false, ClassicLines.USERNAME_TAKEN);
            return;
        } catch (InvalidUsernameException e) {
            LOG.info("classic gateway: the room refused the username \"{}\" of {}: {}; answered USERNAME TAKEN",
                    ClassicLines.printable(name), session.address, ClassicLines.printable(e.getMessage()));
            session.joinFailed(false, ClassicLines.USERNAME_TAKEN);
            return;
        } catch (ChatException e) {
            session.joinFailed(false, lines.cannotJoin(e.getMessage()));
            return;
        } catch (IOException e) {
            LOG.warn("classic gateway: no socket for {}'s client: {}", session.address, e.toString());
            session.joinFailed(false, lines.cannotJoin("the gateway could not open a socket"));
            return;
        }
        LOG.info("classic gateway: {} joined the room as {}", session.address, ClassicLines.printable(client.username()));
        if (!session.joined(lines.joined(client.username()))) {
            client.close(); // the session closed while the join was on its way
        }
    }

    private void joined(ClassicSession session, String text) {
        ChatClient client = session.client();
        if (client == null) {
            return;
        }
        if (isExit(text)) {
            LOG.info("classic gateway: {} ({}) left", ClassicLines.printable(client.username()), session.address);
            endpoint.forget(session);
            return;
        }
        String said = withoutLineEnd(text);
        String typed = session.typedName();
        String rest = afterPrefix(said, client.username());
        if (rest == null && typed != null) {
            rest = afterPrefix(said, typed);
        }
        if (rest == null) {
            session.reply(lines.wrongPrefix(client.username()));
            return;
        }
        if (rest.isEmpty()) {
            return;
        }
        try {
            client.send(rest).whenComplete((message, failure) -> {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof MessageRefusedException refused) {
                    session.reply(lines.notSent(refused.detail()));
                } // other failures: the client left the room, and its listener says why
            });
        } catch (IllegalArgumentException e) {
            session.reply(lines.notSent("too long for the room"));
        } catch (IllegalStateException e) {
            LOG.debug("classic gateway: {} is no longer in the room: {}", session.address, e.toString());
        }
    }

    /** The text after {@code <name>:} and one optional space, or null if the datagram does not start so. */
    private static String afterPrefix(String said, String name) {
        if (!said.startsWith(name) || said.length() == name.length() || said.charAt(name.length()) != ':') {
            return null;
        }
        int start = name.length() + 1;
        return said.startsWith(" ", start) ? said.substring(start + 1) : said.substring(start);
    }

    /** The original compared {@code message.lower().strip() == "exit"}. */
    private static boolean isExit(String text) {
        return text.strip().toLowerCase(Locale.ROOT).equals("exit");
    }

    /** What the room's username rule says of {@code name}, checked by the public builder; null if it is fine. */
    private static String nameProblem(String name) {
        try {
            ChatClient.builder().username(name);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** A client typing into netcat sends a line ending the original's never did: it is not part of the text. */
    private static String withoutLineEnd(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private String decode(ByteBuffer datagram) {
        try {
            CharBuffer chars = utf8.reset().decode(datagram);
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
