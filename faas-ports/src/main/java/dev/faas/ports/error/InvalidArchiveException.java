package dev.faas.ports.error;

/** A function's code archive breaks a rule of {@link dev.faas.ports.model.CodeArchive}; {@link #reason()} says which. */
public class InvalidArchiveException extends InvalidRequestException {

    /** The rule an archive breaks, each reported with a problem type of its own. */
    public enum Reason {
        /** Not a zip, damaged, or its entries differ between its central directory and local headers. */
        NOT_A_ZIP,
        /** Over the unpacked size limit, as declared or as actually inflated. */
        TOO_LARGE,
        /** An absolute path, a {@code ..} or {@code .} part, a duplicate. */
        UNSAFE_PATH,
        /** A symbolic link or other special file. */
        LINK,
        /** More entries than allowed. */
        TOO_MANY_FILES,
        /** The handler's module is not in the archive. */
        HANDLER_MODULE_MISSING
    }

    private final Reason reason;

    public InvalidArchiveException(Reason reason, String message) {
        super("archive", message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
