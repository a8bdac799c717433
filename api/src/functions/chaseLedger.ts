import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("chaseLedger", functionOptions("chaseLedger"));
