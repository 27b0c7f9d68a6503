package dev.faas.ports.in;

import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.Schedule;
import dev.faas.ports.model.ScheduleId;
import java.util.List;

/** Creates, lists and deletes the schedules of functions. Thread-safe. */
public interface ManageSchedulesUseCase {

    /**
     * @throws dev.faas.ports.error.FunctionNotFoundException if the function has no live version
     * @throws dev.faas.ports.error.InvalidRequestException if the cron expression or timezone is not valid
     */
    Schedule create(CreateScheduleCommand command);

    /** @throws dev.faas.ports.error.FunctionNotFoundException if the function has no live version */
    List<Schedule> schedules(FunctionName function);

    /** @throws dev.faas.ports.error.ScheduleNotFoundException if the function has no such schedule */
    void delete(FunctionName function, ScheduleId id);
}
