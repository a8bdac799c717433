import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("contractsCreate", functionOptions("contractsCreate"));
