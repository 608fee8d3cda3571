//! The portal's users (api-reference/user/): the store with users 1 to 3 and seeded
//! ones, and the methods `user.get` and `user.current` that show them. `profile` stays
//! the dispatcher's own short answer.

mod methods;
mod store;
#[cfg(test)]
mod tests;

pub(crate) use methods::call;
pub(crate) use store::UserStore;
