package io.roomcast;

import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.InOrder;

/** The order of listener calls for one join (history first), one message and one leave, verified with Mockito. */
@Timeout(30)
class ListenerOrderTest {

    @Test
    void joinMessageLeaveArriveInThatOrderOnBothSides() throws Exception {
        ChatServerListener server = mock(ChatServerListener.class);
        ChatClientListener joan = mock(ChatClientListener.class);
        try (ChatServer room = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password("secret")
                .listener(server).build()) {
            room.start();
            try (ChatClient joanClient = ChatClient.builder().server(room.localAddress()).username("joan")
                    .password("secret").listener(joan).build()) {
                joanClient.connect();
                try (ChatClient ega = ChatClient.builder().server(room.localAddress()).username("ega")
                        .password("secret").build()) {
                    ega.connect();
                    ega.send("halo").get(10, TimeUnit.SECONDS);
                }
                verify(joan, timeout(10_000)).onMemberLeft("ega", LeaveReason.LEFT);

                InOrder clientOrder = inOrder(joan);
                clientOrder.verify(joan).onHistory(java.util.List.of()); // first, once per join: the room was new
                clientOrder.verify(joan).onMemberJoined("ega");
                clientOrder.verify(joan).onMessage(argThat(m -> m.sender().equals("ega") && m.text().equals("halo")));
                clientOrder.verify(joan).onMemberLeft("ega", LeaveReason.LEFT);
                verifyNoMoreInteractions(joan);
            }
            verify(joan, timeout(10_000)).onDisconnected(LeaveReason.LEFT);
            verify(server, timeout(10_000)).onMemberLeft(argThat(m -> m.username().equals("joan")),
                    org.mockito.ArgumentMatchers.eq(LeaveReason.LEFT));

            InOrder serverOrder = inOrder(server);
            serverOrder.verify(server).onMemberJoined(argThat(m -> m.username().equals("joan")));
            serverOrder.verify(server).onMemberJoined(argThat(m -> m.username().equals("ega")));
            serverOrder.verify(server).onMessage(argThat(m -> m.sender().equals("ega") && m.text().equals("halo")));
            serverOrder.verify(server).onMemberLeft(argThat(m -> m.username().equals("ega")),
                    org.mockito.ArgumentMatchers.eq(LeaveReason.LEFT));
            serverOrder.verify(server).onMemberLeft(argThat(m -> m.username().equals("joan")),
                    org.mockito.ArgumentMatchers.eq(LeaveReason.LEFT));
            verifyNoMoreInteractions(server);
        }
    }
}
