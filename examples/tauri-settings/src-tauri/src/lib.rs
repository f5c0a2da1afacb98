//! The backend owns the settings. Windows read them with `get_settings`, change them with
//! `update_settings`, and hear of every change through the `settings:invalidated` event: the
//! contract of @statesync/tauri (see its README, "The backend contract").

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};

const TOPIC: &str = "settings";
const EVENT: &str = "settings:invalidated";

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    theme: String,
    font_size: u32,
}

/// The fields a window may change; missing ones are left alone.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsPatch {
    theme: Option<String>,
    font_size: Option<u32>,
}

struct SettingsState {
    data: Settings,
    /// Only ever goes up within one epoch.
    revision: u64,
    /// Names this run of the backend, so windows accept the counter starting over after a restart.
    epoch: String,
}

/// The reply of `get_settings` and `update_settings`: `{ revision, epoch, data }`.
#[derive(Serialize)]
struct Snapshot {
    revision: String,
    epoch: String,
    data: Settings,
}

/// The payload of `settings:invalidated`.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Invalidation {
    topic: &'static str,
    revision: String,
    epoch: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_id: Option<String>,
}

impl SettingsState {
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            // A decimal string: JavaScript numbers cannot hold every u64.
            revision: self.revision.to_string(),
            epoch: self.epoch.clone(),
            data: self.data.clone(),
        }
    }
}

/// Whatever a window sends is untrusted input: check it before it becomes state.
fn check(patch: &SettingsPatch) -> Result<(), String> {
    if let Some(theme) = &patch.theme {
        if theme != "light" && theme != "dark" {
            return Err(format!("unknown theme {theme:?}"));
        }
    }
    if let Some(size) = patch.font_size {
        if !(12..=24).contains(&size) {
            return Err(format!("font size must be 12 to 24, got {size}"));
        }
    }
    Ok(())
}

#[tauri::command]
fn get_settings(state: State<'_, Mutex<SettingsState>>) -> Result<Snapshot, String> {
    let state = state.lock().map_err(|e| e.to_string())?;
    Ok(state.snapshot())
}

#[tauri::command]
fn update_settings(
    app: AppHandle,
    state: State<'_, Mutex<SettingsState>>,
    patch: SettingsPatch,
    source_id: Option<String>, // `sourceId` on the JavaScript side
) -> Result<Snapshot, String> {
    check(&patch)?;
    let snapshot = {
        let mut state = state.lock().map_err(|e| e.to_string())?;
        if let Some(theme) = patch.theme {
            state.data.theme = theme;
        }
        if let Some(font_size) = patch.font_size {
            state.data.font_size = font_size;
        }
        state.revision += 1;
        state.snapshot()
    }; // the lock is released here, before any window is told and pulls
    app.emit(
        EVENT,
        Invalidation {
            topic: TOPIC,
            revision: snapshot.revision.clone(),
            epoch: snapshot.epoch.clone(),
            source_id,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(snapshot)
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos().to_string())
        .unwrap_or_else(|_| "0".into());
    tauri::Builder::default()
        .manage(Mutex::new(SettingsState {
            data: Settings {
                theme: "light".into(),
                font_size: 14,
            },
            revision: 0,
            epoch,
        }))
        .invoke_handler(tauri::generate_handler![get_settings, update_settings])
        .run(tauri::generate_context!())
        .expect("error while running the tauri application");
}
