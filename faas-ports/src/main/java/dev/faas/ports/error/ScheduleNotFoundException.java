package dev.faas.ports.error;

/** The function has no schedule with the id asked for. */
public class ScheduleNotFoundException extends FaasException {

    private final String scheduleId;

    public ScheduleNotFoundException(Object scheduleId) {
        super("schedule '" + scheduleId + "' not found");
        this.scheduleId = String.valueOf(scheduleId);
    }

    public String scheduleId() {
        return scheduleId;
    }
}
