// The helpers every lesson imports: `import { loadMnist, ... } from "ae-shared";`
export * from "./backend";
export * from "./data";
export * from "./display";
export * from "./plots";
export * from "./progress";
export * from "./memory";
export * from "./params";
export * from "./images";
export * from "./noise";
