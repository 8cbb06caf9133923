package io.vmnetd.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.cli.output.Table.Column;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    private static Table sample() {
        return new Table(List.of(Column.of("NAME"), Column.of("PROBLEMS").shrinking(), Column.of("MTU")))
                .row("data", "NIC eth9 does not exist; data-bo is not a port of data-br", "9000")
                .row("storage-long", "", "1500");
    }

    @Test
    void alignsColumnsThreeSpacesApartWithoutTrailingBlanks() {
        assertThat(sample().render(Terminal.PLAIN, true)).isEqualTo(""
                + "NAME           PROBLEMS" + " ".repeat(52) + "MTU\n"
                + "data           NIC eth9 does not exist; data-bo is not a port of data-br   9000\n"
                + "storage-long                                                               1500\n");
    }

    @Test
    void withoutHeaders() {
        assertThat(sample().render(Terminal.PLAIN, false).lines().toList())
                .containsExactly("data           NIC eth9 does not exist; data-bo is not a port of data-br   9000",
                        "storage-long                                                               1500");
    }

    @Test
    void cutsShrinkableColumnsToTheTerminalWidth() {
        String text = sample().render(new Terminal(false, 40, true), true);
        for (String line : text.lines().toList()) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(40);
        }
        assertThat(text).contains("data           NIC eth9 does not\u2026   9000");
        // ASCII terminals get a tilde
        assertThat(sample().render(new Terminal(false, 40, false), true)).contains("does not~");
    }

    @Test
    void aTerminalTooNarrowForTheFixedColumnsStillShowsThemWhole() {
        String text = sample().render(new Terminal(false, 10, false), true);
        assertThat(text).contains("storage-long").contains("9000");
    }

    @Test
    void coloursOnlyWhenTheTerminalHasThem() {
        Terminal colour = new Terminal(true, 0, true);
        Table t = new Table(List.of(Column.of("A"), Column.of("STATUS").painted(colour::status))).row("x", "ok");
        assertThat(t.render(colour, true)).isEqualTo("\033[1mA\033[0m   \033[1mSTATUS\033[0m\nx   \033[32mok\033[0m\n");
        Table plain = new Table(List.of(Column.of("A"), Column.of("STATUS").painted(Terminal.PLAIN::status))).row("x", "ok");
        assertThat(plain.render(Terminal.PLAIN, true)).doesNotContain("\033");
    }

    @Test
    void controlCharactersFromTheDaemonCannotMoveTheCursor() {
        Table t = new Table(List.of(Column.of("ID"))).row("evil\033[2J\r\nid");
        assertThat(t.render(Terminal.PLAIN, false)).isEqualTo("evil?[2J??id\n");
    }
}
