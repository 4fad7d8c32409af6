export { type FlashMessage, flash, takeFlashes } from 'hallpass';
