package io.roomcast.internal.protocol;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Names the seed of every simulated network a failed test ran, so that the failure can be replayed
 * exactly: {@code @ExtendWith(SimulationSeeds.class)} on a test class that uses the simulator.
 */
final class SimulationSeeds implements BeforeEachCallback, TestWatcher {
    @Override
    public void beforeEach(ExtensionContext context) {
        SimulatedNetwork.forgetRecentSeeds();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        List<Long> seeds = SimulatedNetwork.recentSeeds();
        System.err.println(context.getDisplayName() + " in " + context.getRequiredTestClass().getSimpleName()
                + " failed; it ran the simulator with seed" + (seeds.size() == 1 ? " " : "s ") + seeds);
    }
}
