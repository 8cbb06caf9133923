package io.vmnetd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;

/** Runs a config that must be rejected and returns what was reported. */
final class ConfigProblemsAssert {

    static final String SOURCE = "/etc/vmnetd/vmnetd.yaml";

    private ConfigProblemsAssert() {
    }

    static List<ConfigProblem> problemsOf(String yaml) {
        try {
            Config accepted = ConfigLoader.parse(yaml, SOURCE);
            return fail("expected the config to be rejected, but it was accepted as %s", accepted);
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty();
            return e.problems();
        }
    }

    /** The single problem of a config that has exactly one thing wrong. */
    static ConfigProblem onlyProblemOf(String yaml) {
        List<ConfigProblem> problems = problemsOf(yaml);
        assertThat(problems).as("problems").hasSize(1);
        return problems.get(0);
    }

    static void assertOnlyProblem(String yaml, String field, int line, String messagePart) {
        ConfigProblem problem = onlyProblemOf(yaml);
        assertThat(problem.source()).isEqualTo(SOURCE);
        assertThat(problem.field()).as("field of %s", problem).isEqualTo(field);
        assertThat(problem.line()).as("line of %s", problem).isEqualTo(line);
        assertThat(problem.message()).as("message of %s", problem).contains(messagePart);
    }
}
