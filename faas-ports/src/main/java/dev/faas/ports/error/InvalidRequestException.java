package dev.faas.ports.error;

/** The caller sent something the platform will not accept; {@link #field()} names the offending part. */
public class InvalidRequestException extends FaasException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
