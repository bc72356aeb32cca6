export * from './app.js';
export * from './database.js';
export * from './wait.js';
export * from './fixtures.js';
export * from '../deliveries/test-receiver.js';
export * from './oauth.js';
