import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("contributionsList", functionOptions("contributionsList"));
