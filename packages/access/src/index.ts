// placeholder until the access model lands
export {};
