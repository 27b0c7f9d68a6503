package dev.faas.testkit;

/** Closing several resources in order, for clean-ups that must not stop at the first failure. */
public final class Closing {

    private Closing() {
    }

    /**
     * Closes each resource in order, skipping nulls (what never started), all of them even when one fails; the first
     * failure is thrown, with the later ones suppressed in it.
     */
    public static void all(AutoCloseable... resources) throws Exception {
        Throwable failure = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw (Exception) failure;
        }
    }
}
