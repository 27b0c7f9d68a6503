package dev.faas.domain.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LookupBudgetTest {

    @Test
    void givenBurstSpent_tryTake_refusesUntilTheRateRefillsIt() {
        LookupBudget budget = new LookupBudget(3, 50, 1_000);
        for (int i = 0; i < 3; i++) {
            assertThat(budget.tryTake(1_000)).isTrue();
        }

        assertThat(budget.tryTake(1_000)).isFalse();
        assertThat(budget.tryTake(1_019)).as("19 ms refill 0.95 of a lookup").isFalse();
        assertThat(budget.tryTake(1_020)).as("and one more millisecond, the 0.05 left").isTrue();
        assertThat(budget.tryTake(1_020)).isFalse();
    }

    @Test
    void givenLongIdleTime_tryTake_neverHoldsMoreThanTheBurst() {
        LookupBudget budget = new LookupBudget(2, 50, 0);

        long later = 86_400_000L;
        assertThat(budget.tryTake(later)).isTrue();
        assertThat(budget.tryTake(later)).isTrue();
        assertThat(budget.tryTake(later)).isFalse();
    }

    @Test
    void givenClockSetBack_tryTake_refillsNothing() {
        LookupBudget budget = new LookupBudget(1, 50, 10_000);
        assertThat(budget.tryTake(10_000)).isTrue();

        assertThat(budget.tryTake(5_000)).isFalse();
        assertThat(budget.tryTake(5_019)).isFalse();
        assertThat(budget.tryTake(5_020)).isTrue();
    }

    @Test
    void giveBack_returnsALookup_butNeverBeyondTheBurst() {
        LookupBudget budget = new LookupBudget(1, 50, 0);
        budget.giveBack();
        assertThat(budget.tryTake(0)).isTrue();
        assertThat(budget.tryTake(0)).isFalse();

        budget.giveBack();

        assertThat(budget.tryTake(0)).isTrue();
    }
}
