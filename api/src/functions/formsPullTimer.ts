import { app } from "@azure/functions";
import { timerOptions } from "../timers";

app.timer("formsPullTimer", timerOptions("formsPullTimer"));
