import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("contractsGet", functionOptions("contractsGet"));
