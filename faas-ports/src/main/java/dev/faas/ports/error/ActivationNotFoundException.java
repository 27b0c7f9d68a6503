package dev.faas.ports.error;

/** No activation has the id asked for (it never existed, was deleted, or was pruned after its retention). */
public class ActivationNotFoundException extends FaasException {

    private final String activationId;

    public ActivationNotFoundException(Object activationId) {
        super("activation '" + activationId + "' not found");
        this.activationId = String.valueOf(activationId);
    }

    public String activationId() {
        return activationId;
    }
}
