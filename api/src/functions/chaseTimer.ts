import { app } from "@azure/functions";
import { timerOptions } from "../timers";

app.timer("chaseTimer", timerOptions("chaseTimer"));
