package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    @Test
    void nonRootHoldsAtMostHalfAndRootTheRest() {
        BodyBudget budget = new BodyBudget(100);
        assertThat(budget.reserve(50, false)).isTrue();
        assertThat(budget.reserve(1, false)).isFalse();
        assertThat(budget.reserve(50, true)).isTrue();
        assertThat(budget.reserve(1, true)).isFalse();
        budget.release(50, false);
        assertThat(budget.reserve(40, true)).isTrue();
        assertThat(budget.reserve(20, false)).isFalse();
        assertThat(budget.reserve(10, false)).isTrue();
        assertThat(budget.held()).isEqualTo(100);
        assertThat(budget.reserve(0, false)).isTrue();
    }
}
