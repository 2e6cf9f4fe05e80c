package io.roomcast.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one-byte enums: each constant's code, and decoding bytes back to constants. */
@Timeout(10)
class WireCodeTest {

    /** A decoder for one enum, as the codecs call it. */
    @FunctionalInterface
    interface Decoder {
        WireCode of(int code) throws MalformedPacketException;
    }

    static Stream<Arguments> enums() {
        return Stream.of(
                Arguments.of(CloseReason.class, (Decoder) CloseReason::of, "close reason"),
                Arguments.of(ErrorCode.class, (Decoder) ErrorCode::of, "error code"),
                Arguments.of(EventKind.class, (Decoder) EventKind::of, "event kind"),
                Arguments.of(RejectReason.class, (Decoder) RejectReason::of, "reject reason"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("enums")
    void everyConstantRoundTripsThroughItsCode(Class<? extends Enum<?>> type, Decoder decoder, String what)
            throws MalformedPacketException {
        for (Enum<?> constant : type.getEnumConstants()) {
            assertThat(decoder.of(((WireCode) constant).code())).isSameAs(constant);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("enums")
    void codesAreUniqueAndFitAByte(Class<? extends Enum<?>> type, Decoder decoder, String what) {
        List<Integer> codes = Arrays.stream(type.getEnumConstants()).map(c -> ((WireCode) c).code()).toList();
        assertThat(codes).doesNotHaveDuplicates().allMatch(code -> code >= 0 && code < WireCode.CODES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("enums")
    void anUnknownCodeIsMalformedAndNamesTheType(Class<? extends Enum<?>> type, Decoder decoder, String what) {
        for (int code : new int[] {0, 99, 255, -1, 256}) {
            assertThatThrownBy(() -> decoder.of(code))
                    .isInstanceOf(MalformedPacketException.class)
                    .hasMessage("unknown " + what + " " + code);
        }
    }

    /**
     * The codes as they are on the wire in version 2. A failure here means a change would make
     * this code unable to talk to the code already deployed: put the old codes back.
     */
    @Test
    void theCodesOnTheWireStayWhatTheyAre() {
        assertThat(codes(CloseReason.values())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "LEFT", 1, "TIMED_OUT", 2, "KICKED", 3, "TOO_SLOW", 4, "SERVER_CLOSED", 5, "BANNED", 6));
        assertThat(codes(ErrorCode.values())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "MESSAGE_TOO_LARGE", 1, "RATE_LIMITED", 2, "INVALID_MESSAGE", 3, "MUTED", 4, "NO_SUCH_MEMBER", 5,
                "ROOM_UNAVAILABLE", 6));
        assertThat(codes(EventKind.values())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "MESSAGE", 1, "JOINED", 2, "LEFT", 3, "ANNOUNCEMENT", 4, "MUTED", 5, "UNMUTED", 6, "PRIVATE", 7,
                "PRIVATE_SENT", 8));
        assertThat(codes(RejectReason.values())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "BAD_PASSWORD", 1, "USERNAME_TAKEN", 2, "INVALID_USERNAME", 3, "ROOM_FULL", 4, "BANNED", 5,
                "VERSION", 6, "SERVER_BUSY", 7, "THROTTLED", 8, "ROOM_UNAVAILABLE", 9));
    }

    /** An enum that breaks the rule, to show the table refuses it. */
    private enum SharedCode implements WireCode {
        FIRST, SECOND;

        @Override
        public int code() {
            return 4;
        }
    }

    /** An enum whose code does not fit a byte. */
    private enum TooLarge implements WireCode {
        ONLY;

        @Override
        public int code() {
            return WireCode.CODES;
        }
    }

    @Test
    void aTableRefusesCodesThatCannotBeDecoded() {
        assertThatThrownBy(() -> WireCode.table(SharedCode.values()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share code 4");
        assertThatThrownBy(() -> WireCode.table(TooLarge.values()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a byte");
    }

    private static <E extends Enum<E> & WireCode> Map<String, Integer> codes(E[] constants) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (E constant : constants) {
            codes.put(constant.name(), constant.code());
        }
        return codes;
    }
}
