/** Dataset drift: profiles (the `tunelint stats` snapshot) and their comparison (`tunelint drift`). */
export * from './compare';
export * from './profile';
export * from './statistics';
