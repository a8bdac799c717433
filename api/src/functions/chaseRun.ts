import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("chaseRun", functionOptions("chaseRun"));
