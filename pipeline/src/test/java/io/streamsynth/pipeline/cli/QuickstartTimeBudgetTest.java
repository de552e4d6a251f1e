package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.pipeline.cli.QuickstartTimeBudget.Mark;
import org.junit.jupiter.api.Test;

class QuickstartTimeBudgetTest {
    /** A clock the test moves by hand, in seconds. */
    private long nanos;

    private void at(double seconds) {
        nanos = Math.round(seconds * 1e9);
    }

    @Test
    void phasesRunFromMarkToMarkAndAddUpToTheWallWithIngestBeside() {
        at(100);
        QuickstartTimeBudget budget = new QuickstartTimeBudget(() -> nanos);
        at(108.5);
        budget.mark(Mark.FIRST_EVENT);
        at(109);
        budget.mark(Mark.FIRST_EVENT); // the first pass counts
        at(115);
        budget.mark(Mark.FIRST_MODEL);
        at(130);
        budget.mark(Mark.LAST_EVENT);
        at(150);
        budget.markAgain(Mark.FINAL_MODEL);
        at(160);
        budget.markAgain(Mark.FINAL_MODEL); // a newer final model replaces the earlier
        at(164.25);
        budget.mark(Mark.WAITED);
        at(167);
        budget.mark(Mark.REPORTED);
        at(169);
        budget.mark(Mark.ENDED);
        at(500); // the line is printed later: the wall stays at ENDED

        assertThat(budget.line()).isEqualTo("time budget: start-up 8.5 s, first model 6.5 s, training 45.0 s, "
                + "refresh 4.3 s, report 2.8 s, shutdown 2.0 s = wall 69.0 s; ingest 21.5 s "
                + "(alongside first model and training)");
    }

    @Test
    void aPhaseNeverReachedShowsADashAndTheNextStartsFromTheLastMarkReached() {
        at(0);
        QuickstartTimeBudget budget = new QuickstartTimeBudget(() -> nanos);
        at(10);
        budget.mark(Mark.FIRST_EVENT);
        // no model ever: Ctrl-C during the first steps
        at(40);
        budget.mark(Mark.WAITED);
        at(41);
        budget.mark(Mark.REPORTED);
        at(43);

        assertThat(budget.line()).as("not ended yet: the wall runs to now")
                .isEqualTo("time budget: start-up 10.0 s, first model -, training -, refresh 30.0 s, report 1.0 s, "
                        + "shutdown 2.0 s = wall 43.0 s; ingest - (alongside first model and training)");
    }

    @Test
    void theStartUpListsItsPartsEachFromTheEndOfThePreviousWithTheRestUpToTheFirstEvent() {
        at(0);
        QuickstartTimeBudget budget = new QuickstartTimeBudget(() -> nanos);
        at(1.25);
        budget.startupPart("pytorch");
        at(4.5);
        budget.startupPart("broker");
        at(9);
        budget.startupPart("flink");
        at(9.5);
        budget.mark(Mark.FIRST_EVENT);
        at(12);
        budget.startupPart("late"); // after the first event: not part of the start-up
        budget.mark(Mark.ENDED);

        assertThat(budget.line()).startsWith("time budget: start-up 9.5 s (pytorch 1.3, broker 3.3, flink 4.5, "
                + "rest 0.5), first model -,");
    }
}
